/** Sum of the samples of one metric in Prometheus text format, over the label sets `filter` keeps. */
export function metricSum(
  text: string,
  name: string,
  filter: (labels: string) => boolean = () => true,
): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    const labels = rest.startsWith('{') ? rest.slice(1, rest.indexOf('}')) : '';
    if (filter(labels)) sum += Number(rest.slice(rest.lastIndexOf(' ') + 1));
  }
  return sum;
}
