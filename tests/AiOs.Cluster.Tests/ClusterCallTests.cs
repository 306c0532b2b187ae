using System.Net;
using AiOs.Cluster.Transport;
using AiOs.Testing;

namespace AiOs.Cluster.Tests;

/// <summary>Calls between silos: any silo takes any call, the partition's owner runs it, and what comes back (results,
/// exceptions, timeouts) is what a call on one silo would give.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterCallTests(PostgresDatabase database, ITestOutputHelper output) : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public ValueTask InitializeAsync()
    {
        _cluster = new TestCluster(database, output);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task ConcurrentFirstCallsThroughThreeSilos_ActivateEachGrainOnce_OnTheOwnerOfItsPartition()
    {
        var silos = new[] { await _cluster.StartSiloAsync("a"), await _cluster.StartSiloAsync("b"), await _cluster.StartSiloAsync("c") };
        await _cluster.WaitUntilBalancedAsync();
        var keys = Enumerable.Range(0, 100).Select(i => $"first-{i}-{Guid.NewGuid():N}").ToArray();
        var owners = keys.Select(k => silos.Single(s => s.Ownership.Owns(TestCluster.PartitionOf(k))).Name).ToArray();

        // 1000 first calls at once: ten per grain, each entering at a different silo.
        var answers = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i =>
            Task.Run(() => silos[i % 3].Probe(keys[i / 10]).Where(), TestContext.Current.CancellationToken)));

        for (var k = 0; k < keys.Length; k++)
        {
            var served = answers.Skip(k * 10).Take(10).Distinct().ToList();
            Assert.True(served.Count == 1, $"{keys[k]} was served by {served.Count} activations: {string.Join(", ", served)}");
            Assert.Equal(1, ProbeGrain.Activations[keys[k]]);
            Assert.StartsWith(owners[k] + "/", served[0], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ThousandConcurrentFirstCallsToOneGrainThroughThreeSilos_ActivateItExactlyOnce()
    {
        var silos = new[] { await _cluster.StartSiloAsync("a"), await _cluster.StartSiloAsync("b"), await _cluster.StartSiloAsync("c") };
        await _cluster.WaitUntilBalancedAsync();
        var key = $"one-{Guid.NewGuid():N}";
        var owner = silos.Single(s => s.Ownership.Owns(TestCluster.PartitionOf(key))).Name;

        var answers = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i =>
            Task.Run(() => silos[i % 3].Probe(key).Where(), TestContext.Current.CancellationToken)));

        var served = Assert.Single(answers.Distinct());
        Assert.StartsWith(owner + "/", served, StringComparison.Ordinal);
        Assert.Equal(1, ProbeGrain.Activations[key]);
    }

    [Fact]
    public async Task ForwardedCalls_ReturnResults_RaiseTheGrainsExceptions_PassReferences_AndKeepState()
    {
        var a = await _cluster.StartSiloAsync("a");
        var b = await _cluster.StartSiloAsync("b");
        await _cluster.WaitUntilBalancedAsync();
        var remoteKey = TestCluster.KeyOwnedBy(b);
        var remote = a.Probe(remoteKey);
        var local = a.Probe(TestCluster.KeyOwnedBy(a));

        Assert.Equal(1, await remote.Increment());
        Assert.Equal(2, await remote.Increment());
        Assert.Equal(2, await b.Probe(remoteKey).Count());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => remote.Fail("the invoice total is negative"));
        Assert.Equal("the invoice total is negative", error.Message);

        // A reference travels as a grain id: the remote grain calls back into a grain this silo owns.
        Assert.StartsWith("a/", await remote.WhereIs(local), StringComparison.Ordinal);
        Assert.StartsWith("b/", await local.WhereIs(remote), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForwardedCallPastItsDeadline_FailsWithATimeout_NamingTheCall()
    {
        var a = await _cluster.StartSiloAsync("a");
        var b = await _cluster.StartSiloAsync("b");
        await _cluster.WaitUntilBalancedAsync();
        var remoteKey = TestCluster.KeyOwnedBy(b);
        var remote = a.Probe(remoteKey);

        var error = await Assert.ThrowsAsync<GrainCallTimeoutException>(() => remote.Sleep(TimeSpan.FromSeconds(7)));

        Assert.Contains("Sleep", error.Message, StringComparison.Ordinal);
        Assert.Contains(remoteKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PeerWithoutTheClusterSecret_IsRefused()
    {
        var a = await _cluster.StartSiloAsync("a");
        using var http = new HttpClient();

        async Task<HttpStatusCode> PostAsync(string? secret, Version? version = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{a.ClusterPort}{ClusterEndpoint.Path}")
            {
                Content = new ByteArrayContent([]),
                Version = version ?? HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
            if (secret is not null)
            {
                request.Headers.Add(ClusterEndpoint.SecretHeader, secret);
            }

            using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
            output.WriteLine($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(null));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync("test-cluster-secret-012345678X"));
        Assert.Equal(HttpStatusCode.OK, await PostAsync("test-cluster-secret-0123456789"));

        // The silo port speaks HTTP/2 only; an HTTP/1.1 client gets a clear refusal, not a hang.
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync("test-cluster-secret-0123456789", HttpVersion.Version11));
    }

    [Fact]
    public async Task SiloConfiguredWithAnotherSecret_FailsToStart_SayingSo()
    {
        await _cluster.StartSiloAsync("a");
        await using var intruder = _cluster.Build("b", settings: new Dictionary<string, string?> { ["AiOs:Cluster:Secret"] = "a-different-secret-0123456789" });

        var error = await Assert.ThrowsAnyAsync<Exception>(() => intruder.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("secret", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("a-different-secret-0123456789", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("test-cluster-secret-0123456789", error.Message, StringComparison.Ordinal);
    }
}
