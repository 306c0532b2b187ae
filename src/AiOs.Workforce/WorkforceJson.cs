using System.Text.Json;
using System.Text.Json.Serialization;

namespace AiOs.Workforce;

/// <summary>The one JSON shape of the workforce's event payloads, checkpoints and model outputs: web casing, enums by name,
/// nulls left out (so that an added optional field does not change the payload, or the hash, of old events).</summary>
public static class WorkforceJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"Expected a {typeof(T).Name}, found null.");
}
