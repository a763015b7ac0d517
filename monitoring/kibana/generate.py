#!/usr/bin/env python3
"""Writes saved-objects.ndjson (Kibana 8.x saved objects: data views, visualizations, a saved search and
a dashboard over the absa-* aliases and the services' ECS logs). Edit here, run it, commit both files."""
import json
from pathlib import Path

MIG = {"coreMigrationVersion": "8.8.0"}
objects = []

def data_view(id_, title, name, time_field):
    objects.append({
        "id": id_, "type": "index-pattern", "typeMigrationVersion": "8.0.0", **MIG,
        "attributes": {"title": title, "name": name, "timeFieldName": time_field},
        "references": [],
    })

data_view("absa-documents", "absa-documents", "ABSA documents", "created_at")
data_view("absa-mentions", "absa-mentions", "ABSA aspect mentions", "created_at")
data_view("aspect-stream-logs", "absa-logs", "aspect-stream service logs (ECS)", "@timestamp")

def search_source(query="", index_ref=True):
    src = {"query": {"query": query, "language": "kuery"}, "filter": []}
    if index_ref:
        src["indexRefName"] = "kibanaSavedObjectMeta.searchSourceJSON.index"
    return json.dumps(src)

def visualization(id_, title, description, vis_state, data_view_id, query=""):
    vis_state = {"title": title, **vis_state}
    objects.append({
        "id": id_, "type": "visualization", "typeMigrationVersion": "8.5.0", **MIG,
        "attributes": {
            "title": title, "description": description, "uiStateJSON": "{}", "version": 1,
            "visState": json.dumps(vis_state),
            "kibanaSavedObjectMeta": {"searchSourceJSON": search_source(query)},
        },
        "references": [{"name": "kibanaSavedObjectMeta.searchSourceJSON.index", "type": "index-pattern", "id": data_view_id}],
    })

axes = lambda title: {
    "categoryAxes": [{"id": "CategoryAxis-1", "type": "category", "position": "bottom", "show": True,
                      "scale": {"type": "linear"}, "labels": {"show": True, "truncate": 100, "filter": True}, "title": {}}],
    "valueAxes": [{"id": "ValueAxis-1", "name": "LeftAxis-1", "type": "value", "position": "left", "show": True,
                   "scale": {"type": "linear", "mode": "normal"}, "labels": {"show": True, "rotate": 0, "filter": False, "truncate": 100},
                   "title": {"text": title}}],
    "grid": {"categoryLines": False}, "addTooltip": True, "addLegend": True, "legendPosition": "right",
    "times": [], "addTimeMarker": False, "thresholdLine": {"show": False, "value": 0, "width": 1, "style": "full", "color": "#E7664C"},
}

visualization(
    "absa-sentiment-by-category", "Net sentiment by category over time",
    "Average sentiment_score (+1 positive, -1 negative, 0 neutral/conflict) of aspect mentions per category.",
    {"type": "line", "aggs": [
        {"id": "1", "enabled": True, "type": "avg", "schema": "metric", "params": {"field": "sentiment_score"}},
        {"id": "2", "enabled": True, "type": "date_histogram", "schema": "segment",
         "params": {"field": "created_at", "interval": "auto", "min_doc_count": 1, "extended_bounds": {}}},
        {"id": "3", "enabled": True, "type": "terms", "schema": "group",
         "params": {"field": "category", "size": 10, "order": "desc", "orderBy": "_count", "otherBucket": False, "missingBucket": True, "missingBucketLabel": "(unmapped)"}},
     ],
     "params": {"type": "line", **axes("net sentiment"),
                "seriesParams": [{"show": True, "type": "line", "mode": "normal", "data": {"label": "Net sentiment", "id": "1"},
                                  "valueAxis": "ValueAxis-1", "drawLinesBetweenPoints": True, "lineWidth": 2, "showCircles": True, "interpolate": "linear"}]}},
    "absa-mentions",
)

visualization(
    "absa-top-negative-aspects", "Top negative aspects",
    "Normalized aspects with the most negative mentions.",
    {"type": "horizontal_bar", "aggs": [
        {"id": "1", "enabled": True, "type": "count", "schema": "metric", "params": {}},
        {"id": "2", "enabled": True, "type": "terms", "schema": "segment",
         "params": {"field": "normalized_aspect", "size": 15, "order": "desc", "orderBy": "1", "otherBucket": False, "missingBucket": False}},
     ],
     "params": {"type": "histogram", **axes("negative mentions"),
                "seriesParams": [{"show": True, "type": "histogram", "mode": "normal", "data": {"label": "Negative mentions", "id": "1"},
                                  "valueAxis": "ValueAxis-1"}]}},
    "absa-mentions", query="polarity : \"negative\"",
)

objects.append({
    "id": "absa-mentions-table", "type": "search", "typeMigrationVersion": "8.0.0", **MIG,
    "attributes": {
        "title": "Aspect mentions", "description": "Latest aspect mentions with their sentence.",
        "columns": ["tenant", "entity", "normalized_aspect", "category", "polarity", "confidence", "sentence_text"],
        "sort": [["created_at", "desc"]], "grid": {}, "hideChart": False, "isTextBasedQuery": False,
        "kibanaSavedObjectMeta": {"searchSourceJSON": search_source()},
    },
    "references": [{"name": "kibanaSavedObjectMeta.searchSourceJSON.index", "type": "index-pattern", "id": "absa-mentions"}],
})

def saved_search(id_, title, description, data_view_id, columns, sort, query=""):
    objects.append({
        "id": id_, "type": "search", "typeMigrationVersion": "8.0.0", **MIG,
        "attributes": {
            "title": title, "description": description, "columns": columns, "sort": sort, "grid": {},
            "hideChart": False, "isTextBasedQuery": False,
            "kibanaSavedObjectMeta": {"searchSourceJSON": search_source(query)},
        },
        "references": [{"name": "kibanaSavedObjectMeta.searchSourceJSON.index", "type": "index-pattern", "id": data_view_id}],
    })

# Service logs (alias absa-logs, written by monitoring/log-shipper).
LOG_COLUMNS = ["service.name", "log.level", "event.action", "message", "error.type", "trace.id"]
saved_search(
    "aspect-stream-log-errors", "Errors by service",
    "Error lines of every service, newest first; add a filter on service.name for one service.",
    "aspect-stream-logs", LOG_COLUMNS, [["@timestamp", "desc"]], query='log.level : "error"',
)
saved_search(
    "aspect-stream-log-trace", "One trace",
    "Every log line of one trace in order: the collector's request line, then the chunk lines "
    "(consumer-chunk-committed) of the processor, the sinks and the alert service whose trace.id lists it. Replace the id in the "
    "query with the trace id from the collector's traceresponse header.",
    "aspect-stream-logs", ["service.name", "event.action", "message", "span.id"], [["@timestamp", "asc"]],
    query='trace.id : "4bf92f3577b34da6a3ce929d0e0e4736"',
)
visualization(
    "aspect-stream-log-errors-by-service", "Log errors and warnings by service",
    "Error and warning lines per service over time.",
    {"type": "histogram", "aggs": [
        {"id": "1", "enabled": True, "type": "count", "schema": "metric", "params": {}},
        {"id": "2", "enabled": True, "type": "date_histogram", "schema": "segment",
         "params": {"field": "@timestamp", "interval": "auto", "min_doc_count": 1, "extended_bounds": {}}},
        {"id": "3", "enabled": True, "type": "terms", "schema": "group",
         "params": {"field": "service.name", "size": 10, "order": "desc", "orderBy": "1", "otherBucket": False, "missingBucket": False}},
     ],
     "params": {"type": "histogram", **axes("lines"),
                "seriesParams": [{"show": True, "type": "histogram", "mode": "stacked", "data": {"label": "Lines", "id": "1"},
                                  "valueAxis": "ValueAxis-1"}]}},
    "aspect-stream-logs", query='log.level : "error" or log.level : "warn"',
)

log_panels = [
    ("aspect-stream-log-errors-by-service", "visualization", {"x": 0, "y": 0, "w": 48, "h": 12}),
    ("aspect-stream-log-errors", "search", {"x": 0, "y": 12, "w": 48, "h": 20}),
]

panels = [
    ("absa-sentiment-by-category", "visualization", {"x": 0, "y": 0, "w": 24, "h": 15}),
    ("absa-top-negative-aspects", "visualization", {"x": 24, "y": 0, "w": 24, "h": 15}),
    ("absa-mentions-table", "search", {"x": 0, "y": 15, "w": 48, "h": 20}),
]
def dashboard(id_, title, description, panels, time_from):
    objects.append({
    "id": id_, "type": "dashboard", "typeMigrationVersion": "8.9.0", **MIG,
    "attributes": {
        "title": title, "description": description,
        "timeRestore": True, "timeFrom": time_from, "timeTo": "now", "refreshInterval": {"pause": True, "value": 0},
        "optionsJSON": json.dumps({"useMargins": True, "syncColors": False, "syncCursor": True, "syncTooltips": False, "hidePanelTitles": False}),
        "panelsJSON": json.dumps([
            {"version": "8.8.0", "type": t, "gridData": {**grid, "i": str(i)}, "panelIndex": str(i), "embeddableConfig": {"enhancements": {}},
             "panelRefName": f"panel_{i}"}
            for i, (_, t, grid) in enumerate(panels)
        ]),
        "kibanaSavedObjectMeta": {"searchSourceJSON": json.dumps({"query": {"query": "", "language": "kuery"}, "filter": []})},
    },
    "references": [{"name": f"panel_{i}", "type": t, "id": pid} for i, (pid, t, _) in enumerate(panels)],
    })

dashboard("absa-overview", "ABSA overview",
          "Aspect sentiment by category over time, top negative aspects and the latest mentions.", panels, "now-30d")
dashboard("aspect-stream-logs-overview", "aspect-stream service logs",
          "Errors and warnings of every service (alias absa-logs) and the latest error lines.", log_panels, "now-24h")

out = Path(__file__).with_name("saved-objects.ndjson")
out.write_text("".join(json.dumps(o, separators=(",", ":")) + "\n" for o in objects))
print(f"wrote {len(objects)} saved objects to {out}")
