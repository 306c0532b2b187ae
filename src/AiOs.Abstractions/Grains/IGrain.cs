namespace AiOs;

/// <summary>Marker for grain interfaces. A grain interface's methods return <see cref="Task"/>, <see cref="Task{TResult}"/>,
/// <see cref="ValueTask"/> or <see cref="ValueTask{TResult}"/>; the code generator writes a proxy for each such interface.</summary>
public interface IGrain;

/// <summary>A grain addressed by a string key.</summary>
public interface IGrainWithStringKey : IGrain;

/// <summary>A grain addressed by a <see cref="Guid"/> key (stored as its canonical string form).</summary>
public interface IGrainWithGuidKey : IGrain;

/// <summary>A grain addressed by a 64-bit integer key (stored as its invariant decimal string).</summary>
public interface IGrainWithIntegerKey : IGrain;
