namespace AiOs.Runtime;

/// <summary>What a silo can tell about one of its activations, for inspection (the dashboard's grain inspector).</summary>
/// <param name="GrainId">The grain.</param>
/// <param name="Partition">Its partition.</param>
/// <param name="ActiveSince">When the activation was created.</param>
/// <param name="State">Its lifecycle state (e.g. Valid, Deactivating).</param>
/// <param name="RunningCalls">Calls running in it now.</param>
/// <param name="WaitingCalls">Calls queued for it now.</param>
public sealed record ActivationDescription(GrainId GrainId, int Partition, DateTimeOffset ActiveSince, string State, int RunningCalls, int WaitingCalls);
