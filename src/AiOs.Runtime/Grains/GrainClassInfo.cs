using System.Collections.Concurrent;
using System.Reflection;
using AiOs.Invocation;
using AiOs.Runtime.Metrics;

namespace AiOs.Runtime.Grains;

/// <summary>What the runtime knows of one grain class, read once from its attributes at start.</summary>
internal sealed class GrainClassInfo
{
    public GrainClassInfo(Type grainClass)
    {
        GrainClass = grainClass;
        TypeName = GetTypeName(grainClass);
        IsReentrant = grainClass.GetCustomAttribute<ReentrantAttribute>() is not null;
        AllowsCallChainReentrancy = grainClass.GetCustomAttribute<AllowCallChainReentrancyAttribute>() is not null;
        AttributeCollectionAge = grainClass.GetCustomAttribute<CollectionAgeLimitAttribute>()?.Age;
        IsRemindable = typeof(IRemindable).IsAssignableFrom(grainClass);
        Interfaces = grainClass.GetInterfaces()
            .Where(i => typeof(IGrain).IsAssignableFrom(i) && !GrainTypeRegistry.IsMarker(i))
            .ToArray();
    }

    /// <summary>The implementation class.</summary>
    public Type GrainClass { get; }

    /// <summary>The grain type name used in grain ids and stored rows.</summary>
    public string TypeName { get; }

    /// <summary>[Reentrant]: calls interleave at awaits.</summary>
    public bool IsReentrant { get; }

    /// <summary>[AllowCallChainReentrancy]: calls along the running call chain interleave.</summary>
    public bool AllowsCallChainReentrancy { get; }

    /// <summary>[CollectionAgeLimit], when present.</summary>
    public TimeSpan? AttributeCollectionAge { get; }

    /// <summary>Implements <see cref="IRemindable"/>.</summary>
    public bool IsRemindable { get; }

    /// <summary>The grain interfaces the class implements.</summary>
    public IReadOnlyList<Type> Interfaces { get; }

    public override string ToString() => $"{TypeName} ({GrainClass.Name})";

    // Method descriptors are static per generated request class (and per grain class and name for timers), so a
    // reference-keyed cache stays small and finds a call's statistics cell without hashing strings.
    private readonly ConcurrentDictionary<GrainMethodDescriptor, MethodCallStatistics> _statistics = new(ReferenceEqualityComparer.Instance);

    /// <summary>The statistics cell for calls of <paramref name="method"/> on this grain type.</summary>
    public MethodCallStatistics StatisticsFor(GrainMethodDescriptor method, CallStatistics all) =>
        _statistics.TryGetValue(method, out var statistics) ? statistics : _statistics.GetOrAdd(method, all.For(TypeName, method));

    private static string GetTypeName(Type grainClass)
    {
        var explicitName = grainClass.GetCustomAttribute<GrainTypeAttribute>()?.Name;
        if (explicitName is not null)
        {
            GrainId.ValidateTypeName(explicitName);
            return explicitName;
        }

        var name = grainClass.Name;
        var backtick = name.IndexOf('`', StringComparison.Ordinal);
        if (backtick >= 0)
        {
            name = name[..backtick];
        }

        if (name.Length > "Grain".Length && name.EndsWith("Grain", StringComparison.Ordinal))
        {
            name = name[..^"Grain".Length];
        }

        return name.ToLowerInvariant();
    }
}
