using AiOs.Invocation;

namespace AiOs.Runtime.Grains;

/// <summary>Creates typed references. Validates the key first, so that an invalid key fails here with an argument
/// error that names it, and nothing is activated.</summary>
internal sealed class GrainFactory(GrainTypeRegistry types, IGrainCallInvoker invoker) : IGrainFactory
{
    public TGrainInterface GetGrain<TGrainInterface>(string key)
        where TGrainInterface : IGrainWithStringKey => Create<TGrainInterface>(key);

    public TGrainInterface GetGrain<TGrainInterface>(Guid key)
        where TGrainInterface : IGrainWithGuidKey => Create<TGrainInterface>(GrainKey.FromGuid(key));

    public TGrainInterface GetGrain<TGrainInterface>(long key)
        where TGrainInterface : IGrainWithIntegerKey => Create<TGrainInterface>(GrainKey.FromInteger(key));

    public TGrainInterface GetGrain<TGrainInterface>(GrainId grainId)
        where TGrainInterface : IGrain
    {
        if (grainId.IsDefault)
        {
            throw new ArgumentException("The default GrainId addresses no grain.", nameof(grainId));
        }

        return (TGrainInterface)(object)GrainInterfaceRegistry.Get(typeof(TGrainInterface)).CreateProxy(invoker, grainId);
    }

    /// <summary>A reference through <paramref name="grainInterface"/> to <paramref name="grainId"/> (for deserialization).</summary>
    public GrainReference GetReference(Type grainInterface, GrainId grainId) =>
        GrainInterfaceRegistry.Get(grainInterface).CreateProxy(invoker, grainId);

    private TGrainInterface Create<TGrainInterface>(string key)
    {
        var problem = GrainKey.Describe(key);
        if (problem is not null)
        {
            throw new ArgumentException($"{problem} (grain interface {typeof(TGrainInterface).Name})", nameof(key));
        }

        var grainId = new GrainId(types.ResolveTypeName(typeof(TGrainInterface)), key);
        return (TGrainInterface)(object)GrainInterfaceRegistry.Get(typeof(TGrainInterface)).CreateProxy(invoker, grainId);
    }
}
