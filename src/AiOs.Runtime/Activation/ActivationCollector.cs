namespace AiOs.Runtime.Activation;

/// <summary>Deactivates activations that have been idle longer than their collection age, checking once per quantum;
/// so an idle activation is collected within its age plus one quantum.</summary>
internal sealed class ActivationCollector(SiloRuntime runtime) : IDisposable
{
    private ITimer? _timer;

    public void Start()
    {
        var quantum = runtime.CollectionOptions.CollectionQuantum;
        _timer = runtime.Time.CreateTimer(static s => ((ActivationCollector)s!).Collect(), this, quantum, quantum);
    }

    /// <summary>One collection pass; returns how many activations it started deactivating.</summary>
    public int Collect()
    {
        var now = runtime.Time.GetTimestamp();
        var collected = 0;
        foreach (var activation in runtime.Catalog.Activations)
        {
            // A backstop: partitions lost are deactivated when the loss is noticed; anything left over goes here.
            if (!runtime.Ownership.Owns(activation.Partition))
            {
                activation.StartDeactivation(DeactivationReason.PartitionLost);
                collected++;
            }
            else if (activation.IsIdleSince(now))
            {
                activation.StartDeactivation(DeactivationReason.IdleCollection);
                collected++;
            }
        }

        return collected;
    }

    public void Dispose() => _timer?.Dispose();
}
