using System.Globalization;
using System.Text.Json.Nodes;

namespace AiOs.Connectors.Calendar;

/// <summary>An event of the feed. <see cref="Uid"/> is derived from the ledger key, so the event keeps its identity in the
/// subscriber's calendar however often the feed is read.</summary>
public sealed record CalendarEvent(string Uid, string Summary, DateTimeOffset Start, DateTimeOffset End, string? Description, string? Location, DateTimeOffset Stamp)
{
    /// <summary>Reads <c>summary</c> (or <c>title</c>), <c>start</c>, <c>end</c> (or <c>durationMinutes</c>), <c>description</c>
    /// (or <c>text</c>) and <c>location</c> from the request; a model's answer in <c>text</c> may itself be such an object.</summary>
    public static (CalendarEvent? Event, string? Problem) FromRequest(string requestJson, string idempotencyKey, TimeSpan defaultDuration, DateTimeOffset now)
    {
        JsonObject? request;
        try
        {
            request = JsonNode.Parse(requestJson) as JsonObject;
            if (request?["start"] is null && Text(request?["text"]) is { } text && text.TrimStart().StartsWith('{'))
            {
                request = JsonNode.Parse(text) as JsonObject;
            }
        }
        catch (System.Text.Json.JsonException ex)
        {
            return (null, $"calendar.event: the request is not JSON ({ex.Message})");
        }

        if (request is null)
        {
            return (null, "calendar.event: the request is not a JSON object");
        }

        if (!TryTime(request["start"], out var start))
        {
            return (null, "calendar.event: 'start' is required, as an ISO 8601 time with an offset (e.g. 2026-03-02T09:00:00+01:00)");
        }

        var end = start + defaultDuration;
        if (request["end"] is not null && !TryTime(request["end"], out end))
        {
            return (null, "calendar.event: 'end' is not an ISO 8601 time with an offset");
        }

        if (request["durationMinutes"] is JsonValue minutes && minutes.TryGetValue<double>(out var m))
        {
            end = start + TimeSpan.FromMinutes(m);
        }

        if (end <= start)
        {
            return (null, "calendar.event: the event must end after it starts");
        }

        var summary = Text(request["summary"]) ?? Text(request["title"]);
        if (string.IsNullOrWhiteSpace(summary))
        {
            return (null, "calendar.event: 'summary' (or 'title') is required");
        }

        var description = Text(request["description"]) ?? (request["start"] is not null ? Text(request["text"]) : null);
        return (new CalendarEvent($"{idempotencyKey}@aios", summary, start, end, description, Text(request["location"]), now), null);
    }

    public JsonObject ToJson() => new()
    {
        ["uid"] = Uid,
        ["summary"] = Summary,
        ["start"] = Start.ToString("O", CultureInfo.InvariantCulture),
        ["end"] = End.ToString("O", CultureInfo.InvariantCulture),
        ["description"] = Description,
        ["location"] = Location,
        ["stamp"] = Stamp.ToString("O", CultureInfo.InvariantCulture),
    };

    public static CalendarEvent? FromJson(string? json)
    {
        if (json is null || JsonNode.Parse(json) is not JsonObject o || Text(o["uid"]) is not { } uid || Text(o["summary"]) is not { } summary
            || !TryTime(o["start"], out var start) || !TryTime(o["end"], out var end) || !TryTime(o["stamp"], out var stamp))
        {
            return null;
        }

        return new CalendarEvent(uid, summary, start, end, Text(o["description"]), Text(o["location"]), stamp);
    }

    private static bool TryTime(JsonNode? node, out DateTimeOffset time)
    {
        time = default;
        return Text(node) is { } text && text.Length >= 16 && (text.EndsWith('Z') || text.Contains('+', StringComparison.Ordinal) || text.LastIndexOf('-') > 10)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
