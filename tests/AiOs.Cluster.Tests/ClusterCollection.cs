using AiOs.Testing;

namespace AiOs.Cluster.Tests;

/// <summary>The cluster tests share one database fixture (each cluster has its own schema) and run one class at a time:
/// each starts several silos with their own timers, and on two cores classes in parallel would starve each other's
/// heartbeats.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<PostgresDatabase>
{
    public const string Name = "cluster";
}
