using System.Collections.Concurrent;
using AiOs.Runtime.Messaging;
using AiOs.Runtime.Placement;

namespace AiOs.Runtime.Activation;

/// <summary>The activations of this silo, one per grain id, and the routing of each call to its activation. A grain
/// is activated on its first call; the dictionary's atomic get-or-add guarantees one activation per grain in the silo
/// (the losing candidate of a race is never started).</summary>
internal sealed class Catalog(SiloRuntime runtime)
{
    private readonly ConcurrentDictionary<GrainId, ActivationData> _activations = new();
    private volatile bool _accepting;
    private volatile bool _stopping;

    /// <summary>Number of activations.</summary>
    public int Count => _activations.Count;

    /// <summary>The activations now (a snapshot, safe to enumerate while calls run).</summary>
    public IEnumerable<ActivationData> Activations => _activations.Values;

    public void Start() => _accepting = true;

    /// <summary>Refuses new activations from now on; existing ones keep serving until deactivated.</summary>
    public void BeginStopping() => _stopping = true;

    /// <summary>The activation of <paramref name="grainId"/>, if there is one.</summary>
    public ActivationData? Find(GrainId grainId) => _activations.GetValueOrDefault(grainId);

    /// <summary>Routes a message to its grain's activation, creating it if needed. Never throws: a call that cannot be
    /// routed is settled with the reason. <paramref name="mayRunInline"/>: the caller's thread may run the call when the
    /// activation is idle (for calls from proxies; not for ticks and re-routed messages).</summary>
    public void Dispatch(Message message, bool mayRunInline = false)
    {
        var target = message.Target;
        if (!_accepting)
        {
            message.Complete(new SiloUnavailableException($"The silo is not started; {message} cannot be delivered yet."));
            return;
        }

        while (true)
        {
            var activation = _activations.GetValueOrDefault(target);

            // A grain is served only by the owner of its partition; anything else goes to the owner.
            var partition = activation?.Partition ?? PartitionHasher.GetPartition(target, runtime.Ownership.PartitionCount);
            if (!runtime.Ownership.Owns(partition))
            {
                Forward(message, partition);
                return;
            }

            if (_stopping && message.Caller is null)
            {
                // Calls made by grains that are finishing their work still go through; new work from outside does not
                // (while the silo still owns the partition; once handed off, calls are forwarded to the new owner).
                message.Complete(new SiloUnavailableException($"The silo is shutting down; it does not accept {message} any more."));
                return;
            }

            if (activation is null)
            {
                if (_stopping)
                {
                    message.Complete(new SiloUnavailableException($"The silo is shutting down; it does not activate {target} any more."));
                    return;
                }

                var classInfo = runtime.Types.Find(target.Type);
                if (classInfo is null)
                {
                    message.Complete(new InvalidOperationException(
                        $"No grain class is registered for grain type '{target.Type}' (calling {message})."));
                    return;
                }

                activation = _activations.GetOrAdd(target, new ActivationData(target, partition, classInfo, runtime));
            }

            if (activation.Enqueue(message, mayRunInline))
            {
                return;
            }

            // The activation finished deactivating between lookup and enqueue: drop it and route again.
            _activations.TryRemove(new KeyValuePair<GrainId, ActivationData>(target, activation));
        }
    }

    /// <summary>Starts deactivating every activation of <paramref name="partitions"/> and returns when all have finished
    /// (or failed to within the deactivation timeout). Calls waiting in them are routed again: to this silo's next
    /// activation, or, when the partition is no longer owned, to its new owner.</summary>
    public Task DeactivatePartitionsAsync(IReadOnlySet<int> partitions, DeactivationReason reason)
    {
        var affected = _activations.Values.Where(a => partitions.Contains(a.Partition)).ToList();
        foreach (var activation in affected)
        {
            activation.StartDeactivation(reason);
        }

        return Task.WhenAll(affected.Select(a => a.Deactivated));
    }

    private void Forward(Message message, int partition)
    {
        if (runtime.Forwarder is { } forwarder)
        {
            forwarder.Forward(message, partition);
        }
        else
        {
            message.Complete(new SiloUnavailableException(
                $"This silo does not own partition {partition} of {message.Target} and has no cluster to forward the call to."));
        }
    }

    /// <summary>Forgets an activation that has become invalid.</summary>
    public void Remove(ActivationData activation) =>
        _activations.TryRemove(new KeyValuePair<GrainId, ActivationData>(activation.GrainId, activation));
}
