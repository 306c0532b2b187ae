using AiOs.Api.Keys;
using AiOs.Api.Tests.Infrastructure;
using AiOs.Api.V1;
using AiOs.Client;
using AiOs.Grpc;
using Google.Protobuf.WellKnownTypes;
using static AiOs.Api.Tests.Business.GoalsTests;

namespace AiOs.Api.Tests.Business;

/// <summary>aios.v1.Customers, Projects and Leads over the entity grains: create, get, list, update with a field mask;
/// links between them; provenance; refusals.</summary>
public sealed class EntitiesTests : IAsyncLifetime
{
    private ApiHost _host = null!;
    private AiOsClient _operator = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await ApiHost.StartAsync();
        _operator = _host.Client(await _host.CreateKeyAsync(ApiKeyScopes.Operator));
    }

    public async ValueTask DisposeAsync()
    {
        _operator.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Customer_CreateGetUpdate_KeepsWhoDidIt_AndTheMaskLimitsTheChange()
    {
        var created = await _operator.CreateCustomerAsync(new CreateCustomerRequest
        {
            Customer = new Customer { CustomerId = "acme", Name = "Acme Ltd", Email = "ops@acme.example", Tier = "key account" },
        });
        Assert.Equal("acme", created.CustomerId);
        Assert.StartsWith("key:", created.Created.Actor, StringComparison.Ordinal);

        var updated = await _operator.UpdateCustomerAsync(new UpdateCustomerRequest
        {
            Customer = new Customer { CustomerId = "acme", Name = "ignored", Notes = "pays on time" },
            UpdateMask = new FieldMask { Paths = { "notes" } },
        });

        Assert.Equal("Acme Ltd", updated.Name);
        Assert.Equal("pays on time", updated.Notes);
        Assert.Equal("ops@acme.example", (await _operator.GetCustomerAsync("acme")).Email);
        Assert.True(updated.Updated.At.ToDateTimeOffset() >= created.Created.At.ToDateTimeOffset());
    }

    [Fact]
    public async Task Customer_Refusals_NameTheField()
    {
        await _operator.CreateCustomerAsync(new CreateCustomerRequest { Customer = new Customer { CustomerId = "taken", Name = "Taken" } });

        await AssertStatusAsync(StatusCode.AlreadyExists, "customer.customer_id", () =>
            _operator.CreateCustomerAsync(new CreateCustomerRequest { Customer = new Customer { CustomerId = "taken", Name = "Again" } }));
        await AssertStatusAsync(StatusCode.InvalidArgument, "customer.name", () =>
            _operator.CreateCustomerAsync(new CreateCustomerRequest { Customer = new Customer { Name = " " } }));
        await AssertStatusAsync(StatusCode.InvalidArgument, "customer.email", () =>
            _operator.CreateCustomerAsync(new CreateCustomerRequest { Customer = new Customer { Name = "X", Email = "not an address" } }));
        await AssertStatusAsync(StatusCode.InvalidArgument, "customer.customer_id", () =>
            _operator.CreateCustomerAsync(new CreateCustomerRequest { Customer = new Customer { CustomerId = "no spaces", Name = "X" } }));
        await AssertStatusAsync(StatusCode.InvalidArgument, "customer.attributes", () =>
            _operator.CreateCustomerAsync(new CreateCustomerRequest { Customer = new Customer { Name = "X", Attributes = { ["a"] = "b" } } }));
        await AssertStatusAsync(StatusCode.InvalidArgument, "update_mask", () => _operator.UpdateCustomerAsync(new UpdateCustomerRequest
        {
            Customer = new Customer { CustomerId = "taken" },
            UpdateMask = new FieldMask { Paths = { "project_ids" } },
        }));
        await AssertStatusAsync(StatusCode.NotFound, "nobody", () => _operator.GetCustomerAsync("nobody"));
        await AssertStatusAsync(StatusCode.NotFound, "nobody", () =>
            _operator.UpdateCustomerAsync(new UpdateCustomerRequest { Customer = new Customer { CustomerId = "nobody", Name = "N" } }));
        Assert.Equal("Taken", (await _operator.GetCustomerAsync("taken")).Name);
    }

    [Fact]
    public async Task ListCustomers_FiltersByQuery_AndPages()
    {
        for (var i = 0; i < 5; i++)
        {
            await _operator.CreateCustomerAsync(new CreateCustomerRequest { Customer = new Customer { CustomerId = $"list-{i}", Name = $"Lister {i}", Company = "Listing Co" } });
        }

        var seen = new List<string>();
        var token = "";
        do
        {
            var page = await _operator.ListCustomersAsync(new ListCustomersRequest { Query = "listing co", PageSize = 2, PageToken = token });
            Assert.True(page.Customers.Count <= 2);
            seen.AddRange(page.Customers.Select(c => c.CustomerId));
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        Assert.Equal(["list-0", "list-1", "list-2", "list-3", "list-4"], seen);
    }

    [Fact]
    public async Task Project_IsLinkedToItsCustomer_AndItsStatusChanges()
    {
        await _operator.CreateCustomerAsync(new CreateCustomerRequest { Customer = new Customer { CustomerId = "globex", Name = "Globex" } });

        var project = await _operator.CreateProjectAsync(new CreateProjectRequest { Project = new Project { CustomerId = "globex", Name = "Website" } });
        var updated = await _operator.UpdateProjectAsync(new UpdateProjectRequest
        {
            Project = new Project { ProjectId = project.ProjectId, Status = ProjectStatus.OnHold },
            UpdateMask = new FieldMask { Paths = { "status" } },
        });

        Assert.Equal(ProjectStatus.Active, project.Status);
        Assert.Equal(ProjectStatus.OnHold, updated.Status);
        Assert.Contains(project.ProjectId, (await _operator.GetCustomerAsync("globex")).ProjectIds);
        var listed = await _operator.ListProjectsAsync(new ListProjectsRequest { CustomerId = "globex", Statuses = { ProjectStatus.OnHold } });
        Assert.Equal(project.ProjectId, Assert.Single(listed.Projects).ProjectId);
        Assert.Empty((await _operator.ListProjectsAsync(new ListProjectsRequest { CustomerId = "globex", Statuses = { ProjectStatus.Active } })).Projects);
    }

    [Fact]
    public async Task Project_Refusals()
    {
        await AssertStatusAsync(StatusCode.NotFound, "project.customer_id", () =>
            _operator.CreateProjectAsync(new CreateProjectRequest { Project = new Project { CustomerId = "nobody", Name = "P" } }));
        await AssertStatusAsync(StatusCode.InvalidArgument, "project.customer_id", () =>
            _operator.CreateProjectAsync(new CreateProjectRequest { Project = new Project { Name = "P" } }));
        await AssertStatusAsync(StatusCode.NotFound, "nothing", () => _operator.GetProjectAsync("nothing"));
        await AssertStatusAsync(StatusCode.InvalidArgument, "statuses", () =>
            _operator.ListProjectsAsync(new ListProjectsRequest { Statuses = { (ProjectStatus)99 } }));
    }

    [Fact]
    public async Task Lead_WonWithACustomer_IsLinkedToIt()
    {
        var lead = await _operator.CreateLeadAsync(new CreateLeadRequest { Lead = new Lead { Name = "Initech", Source = "referral", Email = "bill@initech.example" } });
        await _operator.CreateCustomerAsync(new CreateCustomerRequest { Customer = new Customer { CustomerId = "initech", Name = "Initech" } });

        var won = await _operator.UpdateLeadAsync(new UpdateLeadRequest
        {
            Lead = new Lead { LeadId = lead.LeadId, Status = LeadStatus.Won, CustomerId = "initech" },
            UpdateMask = new FieldMask { Paths = { "status", "customer_id" } },
        });

        Assert.Equal(LeadStatus.New, lead.Status);
        Assert.Equal(LeadStatus.Won, won.Status);
        Assert.Equal("referral", won.Source);
        Assert.Contains(lead.LeadId, (await _operator.GetCustomerAsync("initech")).LeadIds);
        Assert.Contains((await _operator.ListLeadsAsync(new ListLeadsRequest { Statuses = { LeadStatus.Won } })).Leads, l => l.LeadId == lead.LeadId);
        Assert.Equal(lead.LeadId, Assert.Single((await _operator.ListLeadsAsync(new ListLeadsRequest { Query = "bill@initech" })).Leads).LeadId);
    }

    [Fact]
    public async Task Lead_Refusals()
    {
        await AssertStatusAsync(StatusCode.NotFound, "lead.customer_id", () =>
            _operator.CreateLeadAsync(new CreateLeadRequest { Lead = new Lead { Name = "L", CustomerId = "nobody" } }));
        await AssertStatusAsync(StatusCode.InvalidArgument, "lead.name", () => _operator.CreateLeadAsync(new CreateLeadRequest { Lead = new Lead() }));
        await AssertStatusAsync(StatusCode.NotFound, "nope", () => _operator.GetLeadAsync("nope"));
    }

    [Fact]
    public async Task Frontend_ReadsEntities_ButCannotChangeThem()
    {
        await _operator.CreateCustomerAsync(new CreateCustomerRequest { Customer = new Customer { CustomerId = "readable", Name = "Readable" } });
        using var frontend = _host.Client(await _host.CreateKeyAsync(ApiKeyScopes.Frontend));

        Assert.Equal("Readable", (await frontend.GetCustomerAsync("readable")).Name);
        await AssertStatusAsync(StatusCode.PermissionDenied, "", () =>
            frontend.CreateCustomerAsync(new CreateCustomerRequest { Customer = new Customer { Name = "Nope" } }));
        await AssertStatusAsync(StatusCode.PermissionDenied, "", () =>
            frontend.UpdateLeadAsync(new UpdateLeadRequest { Lead = new Lead { LeadId = "x", Name = "y" } }));
    }
}
