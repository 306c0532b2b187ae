using System.Text.Json;
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
}
