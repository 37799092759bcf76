/// The `click` table's columns a batch writes, in the order both backends bind their values.
enum ClickColumnNames {
    static let all = ["link_id", "occurred_at", "referer", "referer_class", "counted", "reason"] + LeadSourceColumns.names
        + ["ga_status", "rule", "destination"]
}
