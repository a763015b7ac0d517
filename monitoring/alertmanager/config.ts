import { defineConfig, v } from '../../common/config/index';
import { loggingVars } from '../../common/logging/config';

/** `npm run alert-receiver` */
export const alertReceiverConfigSpec = defineConfig(
  'alert-receiver',
  {
    port: {
      env: 'ALERT_RECEIVER_PORT',
      schema: v.port(),
      default: '9097',
      doc: 'Port of the demo webhook receiver Alertmanager notifies (POST /page, /ticket; GET /alerts lists what arrived).',
    },
    ...loggingVars,
  },
  { prefix: 'ALERT_RECEIVER_' },
);
