namespace AiOs.Invocation;

/// <summary>Sends requests to grains; implemented by the runtime. Generated proxies call it.</summary>
public interface IGrainCallInvoker
{
    /// <summary>Sends <paramref name="request"/> to the grain <paramref name="target"/> addresses. Never throws: every
    /// failure, including an invalid target, settles the request with an error.</summary>
    void Send(GrainReference target, GrainRequest request);

    /// <summary>The factory that made the reference, for references created while deserializing.</summary>
    IGrainFactory GrainFactory { get; }
}

/// <summary>Base class of generated grain proxies: a typed handle on a grain. References are equal when they address the
/// same grain through the same interface.</summary>
public abstract class GrainReference : IEquatable<GrainReference>
{
    protected GrainReference(IGrainCallInvoker invoker, GrainId grainId)
    {
        Invoker = invoker;
        GrainId = grainId;
    }

    /// <summary>The grain this reference addresses.</summary>
    public GrainId GrainId { get; }

    /// <summary>The grain interface this proxy implements.</summary>
    public abstract Type InterfaceType { get; }

    /// <summary>The runtime that sends this reference's calls.</summary>
    protected IGrainCallInvoker Invoker { get; }

    /// <summary>For generated methods: hands the request to the runtime.</summary>
    protected void Send(GrainRequest request) => Invoker.Send(this, request);

    public bool Equals(GrainReference? other) =>
        other is not null && GrainId == other.GrainId && InterfaceType == other.InterfaceType;

    public override bool Equals(object? obj) => Equals(obj as GrainReference);

    public override int GetHashCode() => HashCode.Combine(GrainId, InterfaceType);

    public override string ToString() => $"{InterfaceType.Name}({GrainId})";
}
