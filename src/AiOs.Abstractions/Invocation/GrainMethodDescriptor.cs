namespace AiOs.Invocation;

/// <summary>How the runtime may schedule a grain method, from attributes on the interface method.</summary>
[Flags]
public enum GrainMethodOptions
{
    None = 0,

    /// <summary><see cref="ReadOnlyAttribute"/>: may interleave with other read-only calls.</summary>
    ReadOnly = 1,

    /// <summary><see cref="AlwaysInterleaveAttribute"/>: may interleave with any call.</summary>
    AlwaysInterleave = 2,
}

/// <summary>Static facts about one grain interface method, written by the code generator.</summary>
public sealed class GrainMethodDescriptor
{
    private readonly Func<GrainRequest> _factory;

    public GrainMethodDescriptor(
        Type interfaceType,
        string methodName,
        string methodId,
        GrainMethodOptions options,
        Type[] parameterTypes,
        Type resultType,
        Func<GrainRequest> factory)
    {
        InterfaceType = interfaceType;
        InterfaceName = interfaceType.FullName ?? interfaceType.Name;
        MethodName = methodName;
        MethodId = methodId;
        Options = options;
        ParameterTypes = parameterTypes;
        ResultType = resultType;
        _factory = factory;
    }

    /// <summary>The interface that declares the method.</summary>
    public Type InterfaceType { get; }

    /// <summary>The declaring interface's full name.</summary>
    public string InterfaceName { get; }

    /// <summary>The method's name, as metrics and filters show it.</summary>
    public string MethodName { get; }

    /// <summary>A stable id of the method across processes: interface full name, method name and parameter types.</summary>
    public string MethodId { get; }

    /// <summary>Scheduling options.</summary>
    public GrainMethodOptions Options { get; }

    /// <summary>The parameter types, in order.</summary>
    public IReadOnlyList<Type> ParameterTypes { get; }

    /// <summary>The result type; <see cref="VoidResult"/> for methods returning <see cref="Task"/> or <see cref="ValueTask"/>.</summary>
    public Type ResultType { get; }

    /// <summary>A new request for this method with default arguments (used when a request arrives from another silo).</summary>
    public GrainRequest CreateRequest() => _factory();

    public override string ToString() => MethodId;
}

/// <summary>The result of a method that returns no value.</summary>
public readonly record struct VoidResult;
