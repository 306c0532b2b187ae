namespace AiOs.Persistence;

/// <summary>Who is writing, recorded as provenance on every row, and the writer's partition lease when the silo is part of
/// a cluster. A provider that receives a <see cref="Fence"/> must refuse the write inside the same SQL statement when
/// the lease is no longer current (a different epoch or owner, or expired).</summary>
/// <param name="SiloId">The writing silo.</param>
/// <param name="Fence">The writer's lease on the row's partition; null for a single silo.</param>
public sealed record StorageWriter(string SiloId, LeaseFence? Fence = null);

/// <summary>A fencing token: the lease a silo holds on one partition.</summary>
public readonly record struct LeaseFence(int Partition, string OwnerSiloId, long Epoch);
