namespace AiOs;

/// <summary>Creates references to grains. A reference is cheap, can be held, stored in grain state and passed in calls;
/// the grain it addresses is activated on its first call.</summary>
public interface IGrainFactory
{
    /// <summary>A reference to the string-keyed grain <paramref name="key"/>.</summary>
    /// <exception cref="ArgumentException">The key is empty, too long or has control characters.</exception>
    TGrainInterface GetGrain<TGrainInterface>(string key)
        where TGrainInterface : IGrainWithStringKey;

    /// <summary>A reference to the Guid-keyed grain <paramref name="key"/>.</summary>
    TGrainInterface GetGrain<TGrainInterface>(Guid key)
        where TGrainInterface : IGrainWithGuidKey;

    /// <summary>A reference to the integer-keyed grain <paramref name="key"/>.</summary>
    TGrainInterface GetGrain<TGrainInterface>(long key)
        where TGrainInterface : IGrainWithIntegerKey;

    /// <summary>A reference to the grain <paramref name="grainId"/> through the interface <typeparamref name="TGrainInterface"/>.</summary>
    TGrainInterface GetGrain<TGrainInterface>(GrainId grainId)
        where TGrainInterface : IGrain;
}
