namespace AiOs;

/// <summary>Names a grain class's type, which is part of every <see cref="GrainId"/> and of every stored row.
/// Without it the name is the class name, lower-cased, without a trailing "Grain". Give persisted grains an explicit
/// name so that renaming the class does not orphan their state.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class GrainTypeAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>The grain class accepts a new call while another is waiting at an <c>await</c>. Calls still never run in
/// parallel: grain code is single-threaded; they interleave at awaits.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class ReentrantAttribute : Attribute;

/// <summary>Calls that come back along the call chain that is running in the grain (A -> B -> A) may interleave with it,
/// instead of waiting for it and deadlocking. Other calls still wait their turn.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class AllowCallChainReentrancyAttribute : Attribute;

/// <summary>On a grain interface method: the call may interleave with any other call of the grain.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AlwaysInterleaveAttribute : Attribute;

/// <summary>On a grain interface method: the method does not change the grain's state, so read-only calls may run
/// interleaved with each other (but never with a call that is not read-only).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ReadOnlyAttribute : Attribute;

/// <summary>How long an activation of this grain class may stay idle before it is collected. Overrides the silo-wide
/// default (15 minutes); configuration may override both per grain type.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class CollectionAgeLimitAttribute : Attribute
{
    public double Minutes { get; init; }

    public double Seconds { get; init; }

    /// <summary>The age this attribute describes.</summary>
    public TimeSpan Age => TimeSpan.FromMinutes(Minutes) + TimeSpan.FromSeconds(Seconds);
}
