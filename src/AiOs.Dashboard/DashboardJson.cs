using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace AiOs.Dashboard;

/// <summary>The JSON shape of every dashboard answer (and of reports between silos): camelCase, enums as names.
/// Infinite latencies (the unbounded last bucket) are written as strings rather than failing.</summary>
internal static class DashboardJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private static readonly JsonSerializerOptions ReadableIndented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions ReadableCompact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Stored JSON (state, event payloads) rewritten for people: characters such as &lt; shown as themselves, not
    /// as \u003C escapes. Safe only because the page writes it as text, never as HTML. Null when it is not JSON.</summary>
    public static string? Readable(string json, bool indented)
    {
        try
        {
            return JsonNode.Parse(json)?.ToJsonString(indented ? ReadableIndented : ReadableCompact);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
