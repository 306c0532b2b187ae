using System.Text.Json;
using System.Text.Json.Serialization;
using AiOs.Invocation;
using AiOs.Runtime.Grains;

namespace AiOs.Runtime.State;

/// <summary>The JSON form of grain state. camelCase, enums as names, and tolerant reading (missing properties keep their
/// defaults and unknown ones are ignored), so a state class may gain or lose fields without breaking stored rows.
/// Grain references are stored as their grain id (<c>type/key</c>) and read back as live proxies.</summary>
public sealed class GrainStateSerializer
{
    internal GrainStateSerializer(GrainFactory factory)
    {
        Options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            Converters = { new JsonStringEnumConverter(), new GrainReferenceConverterFactory(factory) },
        };
    }

    /// <summary>The options; also used for arguments and results that cross silos.</summary>
    public JsonSerializerOptions Options { get; }

    public string Serialize(object value, Type type) => JsonSerializer.Serialize(value, type, Options);

    public object? Deserialize(string json, Type type) => JsonSerializer.Deserialize(json, type, Options);

    private sealed class GrainReferenceConverterFactory(GrainFactory factory) : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) =>
            (typeToConvert.IsInterface && typeof(IGrain).IsAssignableFrom(typeToConvert)) ||
            typeof(GrainReference).IsAssignableFrom(typeToConvert);

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(GrainReferenceConverter<>).MakeGenericType(typeToConvert), factory)!;
    }

    private sealed class GrainReferenceConverter<T>(GrainFactory factory) : JsonConverter<T>
        where T : class
    {
        public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.GetString();
            if (!GrainId.TryParse(text, out var grainId))
            {
                throw new JsonException($"'{text}' is not a grain id (expected 'type/key').");
            }

            if (!typeToConvert.IsInterface || GrainTypeRegistry.IsMarker(typeToConvert))
            {
                throw new JsonException($"A grain reference must be stored in a property typed as a specific grain interface, not {typeToConvert.Name}.");
            }

            return (T)(object)factory.GetReference(typeToConvert, grainId);
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
        {
            if (value is not GrainReference reference)
            {
                throw new JsonException($"Only grain references can be stored as {typeof(T).Name}; got a {value.GetType().Name} (a grain instance?).");
            }

            writer.WriteStringValue(reference.GrainId.ToString());
        }
    }
}
