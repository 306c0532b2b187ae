using System.Buffers;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using AiOs.Invocation;
using AiOs.Runtime.Messaging;

namespace AiOs.Cluster.Transport;

/// <summary>A call as it arrives from another silo, before it becomes a local message.</summary>
internal sealed record IncomingCall(long CallId, GrainId Target, GrainRequest Request, TimeSpan Remaining, IReadOnlyList<CallFrame> Chain, GrainCallKind Kind);

/// <summary>The JSON form of calls and results between silos. Arguments and results are written with their declared
/// types (from the method descriptor) and the runtime's serializer options, so grain references travel as grain ids.</summary>
internal sealed class WireCodec(JsonSerializerOptions options)
{
    // Assembly.GetName() builds a new AssemblyName (and parses the full name) on every call; grain interfaces are few and
    // never unload, so their assembly names are kept for the life of the process.
    private static readonly ConcurrentDictionary<Type, string> AssemblyNames = new();

    public byte[] EncodeCall(long callId, Message message, TimeSpan remaining)
    {
        var method = message.Request.Method;
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("i", callId);
            json.WriteString("g", message.Target.ToString());
            json.WriteString("m", method.MethodId);
            json.WriteString("a", AssemblyNames.GetOrAdd(method.InterfaceType, static t => t.Assembly.GetName().Name!));
            json.WriteNumber("d", Math.Max(0, (long)remaining.TotalMilliseconds));
            json.WriteNumber("k", (int)message.Kind);
            json.WriteStartArray("c");
            foreach (var frame in message.Caller?.ChainFrames() ?? message.RemoteChain ?? [])
            {
                json.WriteStartArray();
                json.WriteStringValue(frame.Grain.ToString());
                json.WriteStringValue(frame.Method);
                json.WriteNumberValue(frame.MessageId);
                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WriteStartArray("p");
            for (var i = 0; i < method.ParameterTypes.Count; i++)
            {
                JsonSerializer.Serialize(json, message.Request.GetArgument(i), method.ParameterTypes[i], options);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Frames.Build(FrameKind.Call, buffer.WrittenSpan);
    }

    /// <summary>Reads a call. A call whose method this silo does not know (an older build) comes back as an error.</summary>
    /// <exception cref="InvalidDataException">The payload is not a call.</exception>
    public IncomingCall DecodeCall(ReadOnlySequence<byte> payload)
    {
        using var document = JsonDocument.Parse(payload);
        var root = document.RootElement;
        var callId = root.GetProperty("i").GetInt64();
        var target = GrainId.Parse(root.GetProperty("g").GetString()!);
        var methodId = root.GetProperty("m").GetString()!;
        var assemblyName = root.GetProperty("a").GetString()!;
        // The binder (Assembly.Load, a lock and a lookup) is asked only for a method not seen yet rather than on every call.
        // Names from a peer are not cached, so that a peer cannot grow a cache without bound.
        var method = GrainInterfaceRegistry.FindMethod(methodId)
            ?? GrainInterfaceRegistry.FindMethod(methodId, LoadAssembly(assemblyName))
            ?? throw new InvalidDataException($"Unknown grain method {methodId} (is every silo running the same build?).");
        var request = method.CreateRequest();
        var index = 0;
        foreach (var argument in root.GetProperty("p").EnumerateArray())
        {
            request.SetArgument(index, argument.Deserialize(method.ParameterTypes[index], options));
            index++;
        }

        var chain = new List<CallFrame>();
        foreach (var frame in root.GetProperty("c").EnumerateArray())
        {
            chain.Add(new CallFrame(GrainId.Parse(frame[0].GetString()!), frame[1].GetString()!, frame[2].GetInt64()));
        }

        return new IncomingCall(
            callId, target, request, TimeSpan.FromMilliseconds(root.GetProperty("d").GetInt64()), chain, (GrainCallKind)root.GetProperty("k").GetInt32());
    }

    /// <summary>The call id of a call payload that could not be decoded (so that its sender can be told), or null.</summary>
    public static long? TryReadCallId(ReadOnlySequence<byte> payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            return document.RootElement.TryGetProperty("i", out var id) && id.TryGetInt64(out var value) ? value : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public byte[] EncodeResult(long callId, GrainRequest request) => EncodeOutcome(callId, CallStatus.Ok, json =>
    {
        var resultType = request.Method.ResultType;
        if (resultType == typeof(VoidResult))
        {
            json.WriteNull("r");
        }
        else
        {
            json.WritePropertyName("r");
            JsonSerializer.Serialize(json, request.Result, resultType, options);
        }
    });

    public byte[] EncodeFailure(long callId, Exception exception) => EncodeOutcome(callId, CallStatus.Failed, json =>
    {
        json.WriteString("t", exception.GetType().FullName);
        json.WriteString("e", exception.Message);
        if (exception is GrainCallTimeoutException timeout)
        {
            json.WriteStartArray("w");
            foreach (var name in timeout.CallChain)
            {
                json.WriteStringValue(name);
            }

            json.WriteEndArray();
        }
    });

    public byte[] EncodeReroute(long callId, string reason) => EncodeOutcome(callId, CallStatus.Reroute, json => json.WriteString("e", reason));

    /// <summary>Reads an outcome: its call id, status, and either the result (set on <paramref name="resolve"/>'s request)
    /// or the error.</summary>
    public (long CallId, CallStatus Status, Exception? Error) DecodeOutcome(ReadOnlySequence<byte> payload, Func<long, GrainRequest?> resolve)
    {
        using var document = JsonDocument.Parse(payload);
        var root = document.RootElement;
        var callId = root.GetProperty("i").GetInt64();
        var status = (CallStatus)root.GetProperty("s").GetInt32();
        switch (status)
        {
            case CallStatus.Ok:
                if (resolve(callId) is { } request && request.Method.ResultType != typeof(VoidResult))
                {
                    request.Result = root.GetProperty("r").Deserialize(request.Method.ResultType, options);
                }

                return (callId, status, null);
            case CallStatus.Failed:
                return (callId, status, Recreate(
                    root.GetProperty("t").GetString() ?? nameof(Exception),
                    root.GetProperty("e").GetString() ?? string.Empty,
                    root.TryGetProperty("w", out var chain) ? chain.EnumerateArray().Select(e => e.GetString()!).ToList() : null));
            default:
                return (callId, CallStatus.Reroute, new AiOs.Runtime.SiloUnavailableException(root.GetProperty("e").GetString() ?? "The call was refused; route it again."));
        }
    }

    private byte[] EncodeOutcome(long callId, CallStatus status, Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("i", callId);
            json.WriteNumber("s", (int)status);
            body(json);
            json.WriteEndObject();
        }

        return Frames.Build(FrameKind.Result, buffer.WrittenSpan);
    }

    /// <summary>Recreates an exception from another silo: the same type when it can be built from a message, else a
    /// <see cref="RemoteGrainException"/> that keeps the type's name.</summary>
    internal static Exception Recreate(string typeName, string message, IReadOnlyList<string>? chain)
    {
        if (chain is not null)
        {
            return new GrainCallTimeoutException(message, chain);
        }

        var type = FindType(typeName);
        if (type is not null && typeof(Exception).IsAssignableFrom(type) && type.GetConstructor([typeof(string)]) is { } constructor)
        {
            try
            {
                return (Exception)constructor.Invoke([message]);
            }
            catch (TargetInvocationException)
            {
            }
        }

        return new RemoteGrainException(typeName, message);
    }

    private static Type? FindType(string fullName)
    {
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (assembly.GetType(fullName, throwOnError: false) is { } type)
            {
                return type;
            }
        }

        return null;
    }

    private static Assembly? LoadAssembly(string name)
    {
        try
        {
            return Assembly.Load(name);
        }
        catch (Exception ex) when (ex is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            return null;
        }
    }
}
