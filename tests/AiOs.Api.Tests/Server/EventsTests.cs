using AiOs.Api.Keys;
using AiOs.Api.Tests.Infrastructure;
using AiOs.Api.V1;
using AiOs.Client;
using AiOs.Grpc;
using AiOs.Persistence;
using AiOs.Persistence.Events;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Api.Tests.Server;

/// <summary>aios.v1.Events over the real event log (SQLite): queries with filters and paging, and a live watch.</summary>
public sealed class EventsTests : IAsyncLifetime
{
    private ApiHost _host = null!;
    private AiOsClient _reader = null!;
    private readonly Dictionary<(string, string), long> _revisions = [];
    private int _appended;

    public async ValueTask InitializeAsync()
    {
        _host = await ApiHost.StartAsync();
        _reader = _host.Client(await _host.CreateKeyAsync(ApiKeyScopes.ReadOnly));
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Query_FiltersByStreamAndKind_AndPagesByLastSequence()
    {
        var acme = await AppendAsync("customer", "acme", "customer.created");
        await AppendAsync("customer", "globex", "customer.created");
        var renamed = await AppendAsync("customer", "acme", "customer.renamed");

        var page = await _reader.QueryEventsAsync(new QueryEventsRequest { Filter = new EventFilter { GrainType = "customer", GrainKey = "acme" }, Limit = 1 });
        var next = await _reader.QueryEventsAsync(new QueryEventsRequest
        {
            Filter = new EventFilter { GrainType = "customer", GrainKey = "acme" },
            AfterSequence = page.LastSequence,
        });
        var kinds = await _reader.QueryEventsAsync(new QueryEventsRequest { Filter = new EventFilter { Kinds = { "customer.renamed" } } });

        Assert.Equal(acme.Sequence, Assert.Single(page.Events).Sequence);
        Assert.Equal(renamed.Sequence, Assert.Single(next.Events).Sequence);
        var only = Assert.Single(kinds.Events);
        Assert.Equal("customer.renamed", only.Kind);
        Assert.Equal("""{"n":3}""", only.PayloadJson);
        Assert.Equal(Convert.ToHexStringLower(renamed.Hash), only.Hash);
        Assert.Equal("test", only.Provenance.Source);
    }

    [Fact]
    public async Task Query_WithALimitAboveTheMaximum_IsInvalidArgument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _reader.QueryEventsAsync(new QueryEventsRequest { Limit = 5000 }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task Watch_ReplaysAfterTheGivenSequence_ThenDeliversNewEventsLive()
    {
        var before = await AppendAsync("lead", "l-1", "lead.created");
        var replayed = await AppendAsync("lead", "l-1", "lead.qualified");
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var received = new List<Event>();
        var watching = Task.Run(async () =>
        {
            var request = new WatchEventsRequest { AfterSequence = before.Sequence, Filter = new EventFilter { GrainType = "lead" } };
            await foreach (var e in _reader.WatchEvents(request, new CallOptions(CancellationToken: cancel.Token)))
            {
                lock (received)
                {
                    received.Add(e);
                }

                if (e.Kind == "lead.won")
                {
                    return;
                }
            }
        }, TestContext.Current.CancellationToken);

        await AiOs.Testing.Eventually.WaitUntilAsync(() => { lock (received) { return received.Count == 1; } }, "the replayed event arrives");
        var live = await AppendAsync("lead", "l-1", "lead.won");
        await watching.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        Assert.Equal([replayed.Sequence, live.Sequence], received.Select(e => e.Sequence));
    }

    private Task<StoredEvent> AppendAsync(string type, string key, string kind)
    {
        var log = _host.Services.GetRequiredService<IEventLog>();
        var revision = _revisions[(type, key)] = _revisions.GetValueOrDefault((type, key)) + 1;
        var n = ++_appended;
        return log.AppendAsync(
            new NewEvent(new GrainId(type, key), revision, kind, $$"""{"n":{{n}}}""", new EventProvenance("test", "key:test"), DateTimeOffset.UtcNow),
            new StorageWriter("test-silo"));
    }
}
