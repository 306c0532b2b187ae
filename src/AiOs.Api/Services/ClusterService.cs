using System.Reflection;
using AiOs.Api.Server;
using AiOs.Api.V1;
using AiOs.Grpc;
using IStorageProvider = AiOs.Persistence.IStorageProvider;
using AiOs.Runtime;
using MethodCallSnapshot = AiOs.Runtime.Metrics.MethodCallSnapshot;
using RuntimeInstruments = AiOs.Runtime.Metrics.RuntimeInstruments;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Api.Services;

/// <summary>aios.v1.Cluster from the runtime of this silo. The runtime has no membership yet (the cluster issue brings
/// it), so the cluster seen here is this one silo, which owns the partitions its ownership reports.</summary>
internal sealed class ClusterService(
    SiloRuntime runtime, RuntimeInstruments instruments, ApiServerLifetime lifetime, IServiceProvider services, ApiEndpointAddress endpoint, TimeProvider time)
    : IGrpcService
{
    private static readonly string Version =
        typeof(ClusterService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxInterval = TimeSpan.FromMinutes(1);

    public void Bind(ServiceBinder binder)
    {
        var service = ClusterReflection.Descriptor.Services[0];
        binder.Unary<GetClusterStatusRequest, ClusterStatus>(service, "GetClusterStatus", (_, _) => Task.FromResult(Status()));
        binder.Unary<ListSilosRequest, ListSilosResponse>(service, "ListSilos", (_, _) => Task.FromResult(new ListSilosResponse { Silos = { This() } }));
        binder.Unary<ListPartitionsRequest, ListPartitionsResponse>(service, "ListPartitions", (_, _) => Task.FromResult(Partitions()));
        binder.Unary<ListGrainTypesRequest, ListGrainTypesResponse>(service, "ListGrainTypes", (_, _) =>
            Task.FromResult(new ListGrainTypesResponse { GrainTypes = { GrainTypes() } }));
        binder.Unary<GetCallStatisticsRequest, GetCallStatisticsResponse>(service, "GetCallStatistics", (request, _) => Task.FromResult(CallStatistics(request)));
        binder.ServerStreaming<WatchClusterStatsRequest, ClusterStatsSample>(service, "WatchClusterStats", WatchAsync);
    }

    private ClusterStatus Status()
    {
        var silo = This();
        var status = new ClusterStatus
        {
            Silos = { silo },
            PartitionCount = runtime.Ownership.PartitionCount,
            PartitionsOwned = silo.PartitionsOwned,
            Activations = silo.Activations,
        };
        status.GrainTypes.AddRange(GrainTypes());
        return status;
    }

    private Silo This() => new()
    {
        SiloId = runtime.SiloId,
        Status = runtime.IsRunning ? SiloStatus.Active : SiloStatus.ShuttingDown,
        ApiAddress = endpoint.Address ?? "",
        StartedAt = Timestamp.FromDateTimeOffset(lifetime.StartedAt),
        Activations = runtime.ActivationCount,
        PartitionsOwned = runtime.Ownership.OwnedPartitions.Count,
        Storage = services.GetService<IStorageProvider>()?.Location ?? "none",
        Version = Version,
    };

    private ListPartitionsResponse Partitions()
    {
        var response = new ListPartitionsResponse { PartitionCount = runtime.Ownership.PartitionCount };
        for (var partition = 0; partition < runtime.Ownership.PartitionCount; partition++)
        {
            var owned = runtime.Ownership.Owns(partition);
            response.Partitions.Add(new PartitionOwner
            {
                Partition = partition,
                OwnerSiloId = owned ? runtime.SiloId : "",
                Epoch = owned ? runtime.Ownership.GetFence(partition)?.Epoch ?? 0 : 0,
            });
        }

        return response;
    }

    private IEnumerable<GrainTypeActivations> GrainTypes() =>
        runtime.CountActivationsByGrainType()
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new GrainTypeActivations { GrainType = p.Key, SiloId = runtime.SiloId, Activations = p.Value });

    private GetCallStatisticsResponse CallStatistics(GetCallStatisticsRequest request)
    {
        if (!System.Enum.IsDefined(request.OrderBy) || request.Limit < 0)
        {
            throw new RpcException(StatusCode.InvalidArgument, "order_by must be a CallStatisticsOrder value and limit must not be negative");
        }

        var rows = instruments.Statistics.Snapshot()
            .Where(s => request.GrainType.Length == 0 || s.GrainType == request.GrainType)
            .Select(s => new MethodCallStatistics
            {
                GrainType = s.GrainType,
                Method = s.Method,
                SiloId = runtime.SiloId,
                Calls = s.Calls,
                Errors = s.Errors,
                MeanLatencyUs = s.MeanLatency.TotalMicroseconds,
                P50LatencyUs = s.PercentileMicroseconds(0.5),
                P99LatencyUs = s.PercentileMicroseconds(0.99),
            });
        rows = request.OrderBy switch
        {
            CallStatisticsOrder.Errors => rows.OrderByDescending(r => r.Errors),
            CallStatisticsOrder.Latency => rows.OrderByDescending(r => r.P99LatencyUs),
            _ => rows.OrderByDescending(r => r.Calls),
        };
        var response = new GetCallStatisticsResponse();
        response.Methods.AddRange(request.Limit > 0 ? rows.Take(request.Limit) : rows);
        return response;
    }

    private async Task WatchAsync(WatchClusterStatsRequest request, ServerStreamWriter<ClusterStatsSample> stream, ServerCallContext call)
    {
        var interval = request.Interval is null ? TimeSpan.FromSeconds(1) : request.Interval.ToTimeSpan();
        if (interval < MinInterval || interval > MaxInterval)
        {
            throw new RpcException(StatusCode.InvalidArgument, "interval must be between 100 ms and 1 minute");
        }

        var previous = Totals();
        var previousAt = time.GetTimestamp();
        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(call.CancellationToken).ConfigureAwait(false))
        {
            var now = Totals();
            var at = time.GetTimestamp();
            var seconds = Math.Max(time.GetElapsedTime(previousAt, at).TotalSeconds, 1e-9);
            var buckets = now.Buckets.Zip(previous.Buckets, (a, b) => a - b).ToArray();
            await stream.WriteAsync(new ClusterStatsSample
            {
                At = Timestamp.FromDateTimeOffset(time.GetUtcNow()),
                Silos = 1,
                Activations = runtime.ActivationCount,
                Calls = now.Calls,
                Errors = now.Errors,
                CallsPerSecond = (now.Calls - previous.Calls) / seconds,
                ErrorsPerSecond = (now.Errors - previous.Errors) / seconds,
                P50LatencyUs = MethodCallSnapshot.Percentile(buckets, 0.5),
                P99LatencyUs = MethodCallSnapshot.Percentile(buckets, 0.99),
            }).ConfigureAwait(false);
            (previous, previousAt) = (now, at);
        }
    }

    private (long Calls, long Errors, long[] Buckets) Totals()
    {
        var buckets = new long[AiOs.Runtime.Metrics.MethodCallStatistics.BucketCount];
        long calls = 0, errors = 0;
        foreach (var method in instruments.Statistics.Snapshot())
        {
            calls += method.Calls;
            errors += method.Errors;
            for (var i = 0; i < buckets.Length; i++)
            {
                buckets[i] += method.LatencyBuckets[i];
            }
        }

        return (calls, errors, buckets);
    }
}
