using System.Text.Json;
using AiOs.Api.Keys;
using AiOs.Api.Tests.Infrastructure;
using AiOs.Api.V1;
using AiOs.Cli;
using AiOs.Client;
using AiOs.Grpc;
using AiOs.Memory;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Api.Tests.Server;

/// <summary>aios.v1.Memory through the real client and the <c>aios memory</c> commands, on a silo with memory (SQLite).</summary>
public sealed class MemoryApiTests : IAsyncLifetime
{
    private ApiHost _host = null!;
    private AiOsClient _operator = null!;
    private AiOsClient _reader = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await ApiHost.StartAsync(services: s => s.AddAiOsMemory(), silo: s => s.AddGrains(typeof(MemoryScopeGrain).Assembly));
        _operator = _host.Client(_host.InitialOperatorKey);
        _reader = _host.Client(await _host.CreateKeyAsync(ApiKeyScopes.ReadOnly));
    }

    public async ValueTask DisposeAsync()
    {
        _operator.Dispose();
        _reader.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Add_ThenSearch_ReturnsTheItemWithProvenance_OnlyInItsScope()
    {
        var acme = Customer("acme");
        var added = await _operator.AddMemoryAsync(new AddMemoryRequest
        {
            Scope = acme, Kind = MemoryKind.Preference, Text = "Acme wants invoices as PDF", Source = "phone-call", RequestId = "r1",
        });
        var again = await _operator.AddMemoryAsync(new AddMemoryRequest
        {
            Scope = acme, Kind = MemoryKind.Preference, Text = "Acme wants invoices as PDF", Source = "phone-call", RequestId = "r1",
        });
        await _operator.AddMemoryAsync(new AddMemoryRequest { Scope = Customer("acme%"), Kind = MemoryKind.Fact, Text = "acme% invoices by post" });

        var found = await _reader.SearchMemoryAsync(new SearchMemoryRequest { Scope = acme, Query = "invoices pdf" });

        Assert.Equal(added.ItemId, again.ItemId);
        var hit = Assert.Single(found.Hits);
        Assert.Equal(added.ItemId, hit.Item.ItemId);
        Assert.Equal(MemoryKind.Preference, hit.Item.Kind);
        Assert.Equal("phone-call", hit.Item.Provenance.Source);
        Assert.StartsWith("key:", hit.Item.Provenance.Actor, StringComparison.Ordinal);
        Assert.True(hit.Score > 0);
    }

    [Fact]
    public async Task BadInput_IsInvalidArgument_SayingWhat()
    {
        async Task<string> Refused(AddMemoryRequest request)
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => _operator.AddMemoryAsync(request));
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            return error.Detail;
        }

        Assert.Contains("empty", await Refused(new AddMemoryRequest { Scope = Customer("c"), Kind = MemoryKind.Fact, Text = "" }), StringComparison.Ordinal);
        Assert.Contains("at most 32768 bytes", await Refused(new AddMemoryRequest { Scope = Customer("c"), Kind = MemoryKind.Fact, Text = new string('x', 40_000) }), StringComparison.Ordinal);
        Assert.Contains("scope.kind", await Refused(new AddMemoryRequest { Scope = new MemoryScope { Id = "c" }, Kind = MemoryKind.Fact, Text = "t" }), StringComparison.Ordinal);
        Assert.Contains("kind must be", await Refused(new AddMemoryRequest { Scope = Customer("c"), Text = "t" }), StringComparison.Ordinal);
        var search = await Assert.ThrowsAsync<RpcException>(() => _reader.SearchMemoryAsync(new SearchMemoryRequest { Scope = Customer("c"), Query = "x", Limit = 1000 }));
        Assert.Equal(StatusCode.InvalidArgument, search.StatusCode);
        Assert.Empty((await _reader.SearchMemoryAsync(new SearchMemoryRequest { Scope = Customer("c"), Query = "t" })).Hits);
    }

    [Fact]
    public async Task ReadOnlyKey_MayNotAddOrForget()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _reader.AddMemoryAsync(new AddMemoryRequest { Scope = Customer("c"), Kind = MemoryKind.Fact, Text = "t" }));
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task Cli_AddSearchExportForget()
    {
        var add = await _host.RunCliAsync("memory", "add", "customer/globex", "Globex closes its books on the 25th", "--kind", "decision");
        Assert.Equal(ExitCodes.Ok, add.ExitCode);

        var search = await _host.RunCliAsync("memory", "search", "customer/globex", "when are the books closed?", "-o", "json");
        Assert.Equal(ExitCodes.Ok, search.ExitCode);
        using (var json = JsonDocument.Parse(search.Output))
        {
            var item = json.RootElement.GetProperty("hits")[0].GetProperty("item");
            Assert.Equal("Globex closes its books on the 25th", item.GetProperty("text").GetString());
            Assert.Equal("cli", item.GetProperty("provenance").GetProperty("source").GetString());
        }

        var table = await _host.RunCliAsync("memory", "search", "customer/globex", "books");
        Assert.Contains("Globex closes its books on the 25th", table.Output, StringComparison.Ordinal);

        var export = await _host.RunCliAsync("memory", "export", "--scope", "customer/globex");
        Assert.Equal(ExitCodes.Ok, export.ExitCode);
        var line = Assert.Single(export.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using (var record = JsonDocument.Parse(line))
        {
            Assert.Equal("memory_item", record.RootElement.GetProperty("kind").GetString());
            Assert.Equal("globex", record.RootElement.GetProperty("data").GetProperty("scope_id").GetString());
        }

        var forget = await _host.RunCliAsync("memory", "forget", "--customer", "globex", "-o", "json");
        Assert.Equal(ExitCodes.Ok, forget.ExitCode);
        using (var report = JsonDocument.Parse(forget.Output))
        {
            Assert.Equal("1", report.RootElement.GetProperty("itemsRemoved").GetString());
        }

        Assert.DoesNotContain("Globex", (await _host.RunCliAsync("memory", "search", "customer/globex", "books")).Output, StringComparison.Ordinal);
        var bad = await _host.RunCliAsync("memory", "search", "planet/mars", "x");
        Assert.Equal(ExitCodes.Usage, bad.ExitCode);
        Assert.Contains("not a scope", bad.Error, StringComparison.Ordinal);
    }

    private static MemoryScope Customer(string id) => new() { Kind = MemoryScopeKind.Customer, Id = id };
}
