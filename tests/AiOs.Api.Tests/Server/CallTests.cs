using AiOs.Api.Keys;
using AiOs.Api.Tests.Infrastructure;
using AiOs.Api.V1;
using AiOs.Client;
using AiOs.Grpc;

namespace AiOs.Api.Tests.Server;

/// <summary>Calls through the real client and Kestrel: answers, deadlines reaching grain calls, status mapping, message
/// size limits, methods not implemented yet.</summary>
public sealed class CallTests : IAsyncLifetime
{
    private readonly ProbeService _probe = new();
    private ApiHost _host = null!;
    private AiOsClient _operator = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await ApiHost.StartAsync(services: s =>
        {
            _probe.ReplaceServices(s);

            // A contract service with no implementation registered: the server still knows its methods.
            foreach (var approvals in s.Where(d => d.ImplementationType == typeof(AiOs.Api.Services.ApprovalsService)).ToList())
            {
                s.Remove(approvals);
            }
        });
        _operator = _host.Client(await _host.CreateKeyAsync(ApiKeyScopes.Operator));
    }

    public async ValueTask DisposeAsync()
    {
        _operator.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task ClusterStatus_DescribesThisSilo()
    {
        var status = await _operator.GetClusterStatusAsync();

        var silo = Assert.Single(status.Silos);
        Assert.Equal("test-silo", silo.SiloId);
        Assert.Equal(SiloStatus.Active, silo.Status);
        Assert.Equal(status.PartitionCount, status.PartitionsOwned);
        Assert.True(status.PartitionCount > 0);
        Assert.Equal(_host.Endpoint.ToString().TrimEnd('/'), silo.ApiAddress.TrimEnd('/'));
    }

    [Fact]
    public async Task Deadline_IsPassedIntoGrainCalls_WhichFailAtTheClientsDeadline()
    {
        var key = Guid.NewGuid().ToString("N");
        var seen = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        _probe.GetGoal = async (_, _) =>
        {
            try
            {
                await _host.Silo.GrainFactory.GetGrain<IWaitingGrain>(key).WaitUntilReleased();
            }
            catch (Exception exception)
            {
                seen.TrySetResult(exception);
                throw;
            }

            return new Goal();
        };

        try
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => _operator.GetGoalAsync("g", new CallOptions(TimeSpan.FromMilliseconds(300))));

            Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
            // Without the deadline the grain call would wait for the runtime's 30 s default: it failed by the client's.
            Assert.IsType<GrainCallTimeoutException>(await seen.Task.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken));
        }
        finally
        {
            WaitingGrain.Release(key);
        }
    }

    [Fact]
    public async Task ServerStream_EndsWithDeadlineExceeded_WhenItsDeadlinePasses()
    {
        var request = new WatchClusterStatsRequest { Interval = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromMinutes(1)) };

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var _ in _operator.WatchClusterStats(request, new CallOptions(TimeSpan.FromMilliseconds(300))))
            {
            }
        });

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Fact]
    public async Task ServerStream_DeliversSamplesLive()
    {
        var request = new WatchClusterStatsRequest { Interval = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromMilliseconds(100)) };
        var samples = new List<ClusterStatsSample>();
        await foreach (var sample in _operator.WatchClusterStats(request, new CallOptions(CancellationToken: TestContext.Current.CancellationToken)))
        {
            samples.Add(sample);
            if (samples.Count == 3)
            {
                break;
            }
        }

        Assert.All(samples, s => Assert.Equal(1, s.Silos));
    }

    [Fact]
    public async Task UnexpectedException_IsInternal_WithoutItsMessageOrStackTrace()
    {
        _probe.GetGoal = (_, _) => throw new InvalidOperationException("connection string Password=hunter2 at /srv/secret/path");

        var error = await Assert.ThrowsAsync<RpcException>(() => _operator.GetGoalAsync("g"));

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.DoesNotContain("hunter2", error.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", error.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", error.Detail, StringComparison.Ordinal);
        Assert.Contains("error id", error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(StatusCode.InvalidArgument)]
    [InlineData(StatusCode.NotFound)]
    [InlineData(StatusCode.AlreadyExists)]
    [InlineData(StatusCode.FailedPrecondition)]
    public async Task RpcException_ReachesTheClientWithItsStatusAndDetail(StatusCode status)
    {
        _probe.GetGoal = (_, _) => throw new RpcException(status, "détail: ünïcode 100% kept");

        var error = await Assert.ThrowsAsync<RpcException>(() => _operator.GetGoalAsync("g"));

        Assert.Equal(status, error.StatusCode);
        Assert.Equal("détail: ünïcode 100% kept", error.Detail);
    }

    [Fact]
    public async Task StorageOutage_IsUnavailable_AndAnIdempotentCallIsRetried()
    {
        var attempts = 0;
        _probe.GetGoal = (r, _) => Interlocked.Increment(ref attempts) < 3
            ? throw new StorageUnavailableException("database down")
            : Task.FromResult(new Goal { GoalId = r.GoalId });

        var goal = await _operator.GetGoalAsync("g-1");

        Assert.Equal("g-1", goal.GoalId);
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task Unavailable_OnANonIdempotentCall_IsNotRetried()
    {
        var attempts = 0;
        _probe.CreateCustomer = (_, _) =>
        {
            Interlocked.Increment(ref attempts);
            throw new RpcException(StatusCode.Unavailable, "try later");
        };

        var error = await Assert.ThrowsAsync<RpcException>(() => _operator.CreateCustomerAsync(new CreateCustomerRequest { Customer = new Customer { Name = "Acme" } }));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task RequestLargerThanTheLimit_IsResourceExhausted_AndNotHandled()
    {
        var before = _probe.Calls;

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _operator.SubmitGoalAsync(new SubmitGoalRequest { Text = new string('x', GrpcProtocol.DefaultMaxMessageSize + 1) }));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal(before, _probe.Calls);
    }

    [Fact]
    public async Task ResponseLargerThanTheLimit_IsResourceExhausted()
    {
        _probe.GetGoal = (_, _) => Task.FromResult(new Goal { Text = new string('x', GrpcProtocol.DefaultMaxMessageSize + 1) });

        var error = await Assert.ThrowsAsync<RpcException>(() => _operator.GetGoalAsync("g"));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task MethodWithoutBackingYet_IsUnimplemented_SayingWhy()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _operator.ListApprovalsAsync(new ListApprovalsRequest()));

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        Assert.Contains("aios.v1.Approvals.ListApprovals", error.Detail, StringComparison.Ordinal);
        Assert.Contains("does not serve it", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metadata_ReachesTheMethod()
    {
        _probe.GetGoal = (_, call) => Task.FromResult(new Goal { GoalId = call.GetMetadata("x-request-id") ?? "", Text = call.Actor });
        using var raw = new RawGrpc(_host.Endpoint);
        var key = await _host.CreateKeyAsync(ApiKeyScopes.Frontend);
        ApiKeySecret.TryParse(key, out var keyId, out _);

        var response = await raw.CallAsync("/aios.v1.Goals/GetGoal", RawGrpc.Frame(new GetGoalRequest()), key,
            headers: new Dictionary<string, string> { ["x-request-id"] = "req-42" });

        Assert.Equal(StatusCode.OK, response.Status);
        var goal = Goal.Parser.ParseFrom(Assert.Single(response.Messages));
        Assert.Equal("req-42", goal.GoalId);
        Assert.Equal("key:" + keyId, goal.Text);
    }
}
