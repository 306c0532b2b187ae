using AiOs.Persistence.Events;
using AiOs.Workforce.Entities;
using AiOs.Workforce.Tests.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Workforce.Tests.Entities;

/// <summary>Business entities: every change is a chained event with provenance, the stream is the state, and an edited
/// event is caught by the chain's verification.</summary>
public abstract class EntityTests(ITestStorage storage, ITestOutputHelper output) : WorkforceTestBase(storage, output)
{
    private static readonly EventProvenance ByOperator = new("operator-api", "operator");
    private static readonly EventProvenance ByWriter = new("goal", "agent:writer", "goal/g1/task/t1");

    [Fact]
    public async Task CustomerChanges_AppendChainedEventsWithProvenance_AndTheChainVerifies()
    {
        var database = Storage.NewDatabase();
        var silo = await StartSiloAsync(database);
        var id = NewId("cust");
        var customer = silo.GrainFactory.GetGrain<ICustomerGrain>(id);

        var created = await customer.Save(new Customer("Ada Lovelace", "ada@example.com"), ByOperator);
        var unchanged = await customer.Save(new Customer("Ada Lovelace", "ada@example.com"), ByWriter);
        var updated = await customer.Save(new Customer("Ada Lovelace", "ada@analytical.example"), ByWriter);

        var events = silo.Services.GetRequiredService<IEventLog>();
        var stream = await events.ReadStreamAsync(new GrainId(EntityTypes.Customer, id), 0, 100);
        Assert.Equal(["customer.created", "customer.updated"], stream.Select(e => e.Kind));
        Assert.Equal([ByOperator, ByWriter], stream.Select(e => e.Provenance));
        Assert.Equal((1, 1, 2), (created.Revision, unchanged.Revision, updated.Revision));
        Assert.Equal(ByWriter, updated.ChangedBy);
        Assert.Equal("ada@analytical.example", updated.Value.Email);
        var verification = await EventChainVerifier.VerifyAsync(events);
        Assert.True(verification.IsIntact, verification.ToString());
        Assert.Equal(2, verification.EventsChecked);
    }

    [Fact]
    public async Task Verify_AfterAnEntityEventWasEditedInTheDatabase_ReportsThatEvent()
    {
        var database = Storage.NewDatabase();
        var silo = await StartSiloAsync(database);
        var customer = silo.GrainFactory.GetGrain<ICustomerGrain>(NewId("cust"));
        await customer.Save(new Customer("Ada"), ByOperator);
        await customer.Save(new Customer("Ada", Company: "Analytical Engines"), ByOperator);
        await customer.Save(new Customer("Ada", Company: "Analytical Engines Ltd"), ByOperator);

        await Storage.TamperAsync(database, """UPDATE aios_events SET payload = '{"name":"Mallory"}' WHERE sequence = 2""");

        var verification = await EventChainVerifier.VerifyAsync(silo.Services.GetRequiredService<IEventLog>());
        Assert.False(verification.IsIntact);
        Assert.Equal(2, verification.BrokenAt);
        Assert.Contains("payload", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProjectsLeadsAndInvoices_LinkToTheirCustomer_AndEveryEntityTypeIsListed()
    {
        var database = Storage.NewDatabase();
        var silo = await StartSiloAsync(database);
        var customerId = NewId("cust");
        var (projectId, leadId, invoiceId, contentId) = (NewId("proj"), NewId("lead"), NewId("inv"), NewId("post"));
        await silo.GrainFactory.GetGrain<ICustomerGrain>(customerId).Save(new Customer("Grace"), ByOperator);

        await silo.GrainFactory.GetGrain<IProjectGrain>(projectId).Save(new Project(customerId, "Website"), ByOperator);
        await silo.GrainFactory.GetGrain<ILeadGrain>(leadId).Save(new Lead("Grace", CustomerId: customerId), ByOperator);
        await silo.GrainFactory.GetGrain<IInvoiceGrain>(invoiceId).Save(new Invoice(customerId, 125_000, "EUR", ProjectId: projectId), ByOperator);
        await silo.GrainFactory.GetGrain<IContentItemGrain>(contentId).Save(new ContentItem("Launch post", "blog"), ByWriter);

        var customer = await silo.GrainFactory.GetGrain<ICustomerGrain>(customerId).Get();
        Assert.Equal([$"project/{projectId}", $"lead/{leadId}", $"invoice/{invoiceId}"], customer!.Links);
        var events = silo.Services.GetRequiredService<IEventLog>();
        Assert.Equal([customerId], await EntityTypes.ListAsync(events, EntityTypes.Customer));
        Assert.Equal([projectId], await EntityTypes.ListAsync(events, EntityTypes.Project));
        Assert.Equal([leadId], await EntityTypes.ListAsync(events, EntityTypes.Lead));
        Assert.Equal([invoiceId], await EntityTypes.ListAsync(events, EntityTypes.Invoice));
        Assert.Equal([contentId], await EntityTypes.ListAsync(events, EntityTypes.ContentItem));
    }

    [Fact]
    public async Task Entity_AfterASiloRestart_IsRebuiltFromItsEvents()
    {
        var database = Storage.NewDatabase();
        var first = await StartSiloAsync(database);
        var id = NewId("inv");
        await first.GrainFactory.GetGrain<IInvoiceGrain>(id).Save(new Invoice("c1", 1_000, "EUR"), ByOperator);
        await first.GrainFactory.GetGrain<IInvoiceGrain>(id).Save(new Invoice("c1", 1_000, "EUR", Status: "sent"), ByWriter);
        await StopSiloAsync(first);

        var second = await StartSiloAsync(database);
        var invoice = await second.GrainFactory.GetGrain<IInvoiceGrain>(id).Get();

        Assert.Equal(new Invoice("c1", 1_000, "EUR", Status: "sent"), invoice!.Value);
        Assert.Equal((2L, ByWriter), (invoice.Revision, invoice.ChangedBy));
    }

    [Fact]
    public async Task Save_InvalidEntity_IsRefusedSayingWhy_AndAppendsNothing()
    {
        var database = Storage.NewDatabase();
        var silo = await StartSiloAsync(database);
        var id = NewId("inv");

        var error = await Assert.ThrowsAnyAsync<Exception>(() => silo.GrainFactory.GetGrain<IInvoiceGrain>(id).Save(new Invoice("c1", 10, "euro"), ByOperator));

        Assert.Contains("ISO 4217", error.Message, StringComparison.Ordinal);
        Assert.Null(await silo.GrainFactory.GetGrain<IInvoiceGrain>(id).Get());
        Assert.Equal(0, (await silo.Services.GetRequiredService<IEventLog>().ReadHeadAsync()).LastSequence);
    }
}

[Trait("Category", "Integration")]
public sealed class SqliteEntityTests(SqliteTestStorage storage, ITestOutputHelper output) : EntityTests(storage, output), IClassFixture<SqliteTestStorage>;

[Trait("Category", "Integration")]
public sealed class PostgreSqlEntityTests(PostgreSqlTestStorage storage, ITestOutputHelper output) : EntityTests(storage, output), IClassFixture<PostgreSqlTestStorage>;
