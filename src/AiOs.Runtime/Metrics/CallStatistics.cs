using System.Collections.Concurrent;
using AiOs.Invocation;

namespace AiOs.Runtime.Metrics;

/// <summary>Per grain type and method call statistics of one silo: what the dashboard reads and the metrics export.
/// Every call, timer tick and reminder tick is recorded by the runtime itself, around the grain's turn (inside the
/// incoming filters), so that metrics cost nothing extra per filter and are never missing.</summary>
public sealed class CallStatistics
{
    private readonly ConcurrentDictionary<(string GrainType, string Method), MethodCallStatistics> _all = new();

    /// <summary>All methods called so far.</summary>
    public IReadOnlyList<MethodCallSnapshot> Snapshot() => _all.Values.Select(s => s.Snapshot()).ToList();

    /// <summary>The statistics cell of one method of one grain type; callers cache it.</summary>
    internal MethodCallStatistics For(string grainType, GrainMethodDescriptor method) =>
        _all.GetOrAdd((grainType, method.MethodName), static key => new MethodCallStatistics(key.GrainType, key.Method));
}
