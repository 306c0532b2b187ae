namespace AiOs;

/// <summary>Why an activation is being deactivated.</summary>
public enum DeactivationReason
{
    /// <summary>Idle for longer than its collection age.</summary>
    IdleCollection,

    /// <summary>The grain called <c>DeactivateOnIdle()</c>.</summary>
    ApplicationRequested,

    /// <summary>A state write lost an ETag race; the activation's view of its state is stale.</summary>
    InconsistentState,

    /// <summary>The silo is shutting down.</summary>
    ShuttingDown,

    /// <summary>The silo no longer owns the grain's partition.</summary>
    PartitionLost,

    /// <summary>Activation failed.</summary>
    ActivationFailed,
}
