using AiOs.Api.Keys;
using AiOs.Api.Tests.Infrastructure;
using AiOs.Api.V1;
using AiOs.Cli;
using AiOs.Grpc;
using AiOs.Testing;
using Microsoft.Extensions.DependencyInjection;
using MemoryScopeGrain = AiOs.Memory.MemoryScopeGrain;

namespace AiOs.Api.Tests.Server;

/// <summary>Moving a business between instances: <c>aios memory export</c> on one, <c>aios memory import</c> on another
/// (aios.v1.Memory/ExportMemory and the client-streaming ImportMemory), with real clients and two silos.</summary>
public sealed class SnapshotApiTests : IAsyncLifetime
{
    private const string Policy = """
        rules:
          - name: emails
            when: { action: email.* }
            then: needs-approval
        otherwise: auto
        """;

    private readonly TempDirectory _files = new("aios-snapshot");
    private ApiHost _source = null!;
    private ApiHost _target = null!;

    public async ValueTask InitializeAsync()
    {
        _source = await StartAsync();
        _target = await StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _source.DisposeAsync();
        await _target.DisposeAsync();
        _files.Dispose();
    }

    [Fact]
    public async Task Cli_ExportFromOneInstance_ImportIntoAnEmptyOne_GivesTheSameBusinessAndSearch()
    {
        using var source = _source.Client(_source.InitialOperatorKey);
        using var target = _target.Client(_target.InitialOperatorKey);
        var customer = await source.CreateCustomerAsync(new CreateCustomerRequest { Customer = new Customer { Name = "Acme Ltd", Email = "ops@acme.example" } });
        var scope = new MemoryScope { Kind = MemoryScopeKind.Customer, Id = customer.CustomerId };
        await source.AddMemoryAsync(new AddMemoryRequest { Scope = scope, Kind = MemoryKind.Preference, Text = "Acme wants invoices as PDF" });
        await source.AddMemoryAsync(new AddMemoryRequest { Scope = scope, Kind = MemoryKind.Fact, Text = "Acme closes its books on the 25th" });
        await source.SetPolicyAsync(Policy);
        var file = Path.Combine(_files.Path, "business.jsonl");

        var export = await _source.RunCliAsync("memory", "export");
        Assert.Equal(ExitCodes.Ok, export.ExitCode);
        await File.WriteAllTextAsync(file, export.Output, TestContext.Current.CancellationToken);
        var import = await _target.RunCliAsync("memory", "import", file, "-o", "json");

        Assert.Equal(ExitCodes.Ok, import.ExitCode);
        var report = Google.Protobuf.JsonParser.Default.Parse<ImportReport>(import.Output);
        Assert.Equal(2, report.MemoryItems);
        Assert.Equal(1, report.Changed["customer"]);
        Assert.Equal(1, report.Changed["policy"]);
        Assert.Equal(export.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length, report.Records);
        Assert.Equal("ops@acme.example", (await target.GetCustomerAsync(customer.CustomerId)).Email);
        Assert.Equal(Policy, (await target.GetPolicyAsync()).Document);
        foreach (var query in new[] { "invoice format", "when are the books closed", "acme" })
        {
            var expected = await source.SearchMemoryAsync(new SearchMemoryRequest { Scope = scope, Query = query });
            var actual = await target.SearchMemoryAsync(new SearchMemoryRequest { Scope = scope, Query = query });
            Assert.Equal(expected.Hits.Select(h => (h.Item.ItemId, h.Item.Text, h.Score)), actual.Hits.Select(h => (h.Item.ItemId, h.Item.Text, h.Score)));
        }

        // A second import is harmless: everything is unchanged.
        var again = Google.Protobuf.JsonParser.Default.Parse<ImportReport>((await _target.RunCliAsync("memory", "import", file, "-o", "json")).Output);
        Assert.Equal(report.Records, again.Unchanged);
        Assert.Empty(again.Changed);
        var table = await _target.RunCliAsync("memory", "import", file);
        Assert.Equal(ExitCodes.Ok, table.ExitCode);
        Assert.Contains("unchanged", table.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_ImportMemory_ABadRecord_IsInvalidArgumentNamingItsLine_AndNothingIsStored()
    {
        using var target = _target.Client(_target.InitialOperatorKey);
        var records = new[]
        {
            new ExportRecord { Kind = "customer", Json = """{"id":"cus-1","value":{"name":"Acme"}}""" },
            new ExportRecord { Kind = "customer", Json = """{"id":"cus-2","value":{"name":""}}""" },
        };

        var error = await Assert.ThrowsAsync<RpcException>(() => target.ImportMemoryAsync(records.ToAsyncEnumerable()));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("line 2 (customer)", error.Detail, StringComparison.Ordinal);
        Assert.Contains("name must not be empty", error.Detail, StringComparison.Ordinal);
        var missing = await Assert.ThrowsAsync<RpcException>(() => target.GetCustomerAsync("cus-1"));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Cli_Import_AMalformedFile_NamesTheLine_AndSendsNothing()
    {
        var file = Path.Combine(_files.Path, "broken.jsonl");
        await File.WriteAllTextAsync(file, """
            {"kind":"customer","data":{"id":"cus-9","value":{"name":"Acme"}}}
            {"kind":"customer","data":
            """, TestContext.Current.CancellationToken);

        var import = await _target.RunCliAsync("memory", "import", file);
        var missingFile = await _target.RunCliAsync("memory", "import", Path.Combine(_files.Path, "absent.jsonl"));

        Assert.Equal(ExitCodes.Usage, import.ExitCode);
        Assert.Contains("line 2 of the snapshot is not a record", import.Error, StringComparison.Ordinal);
        using var target = _target.Client(_target.InitialOperatorKey);
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() => target.GetCustomerAsync("cus-9"))).StatusCode);
        Assert.Equal(ExitCodes.Usage, missingFile.ExitCode);
        Assert.Contains("cannot read", missingFile.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadOnlyKey_MayNotImport()
    {
        using var reader = _target.Client(await _target.CreateKeyAsync(ApiKeyScopes.ReadOnly));

        var error = await Assert.ThrowsAsync<RpcException>(() => reader.ImportMemoryAsync(
            new[] { new ExportRecord { Kind = "customer", Json = """{"id":"cus-3","value":{"name":"Acme"}}""" } }.ToAsyncEnumerable()));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    private static Task<ApiHost> StartAsync() =>
        ApiHost.StartAsync(services: s => s.AddAiOsWorkforce(), silo: s => s.AddGrains(typeof(MemoryScopeGrain).Assembly));
}
