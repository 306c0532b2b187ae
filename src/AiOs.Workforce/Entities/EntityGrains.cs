using AiOs.Persistence.Events;
using AiOs.Runtime;

namespace AiOs.Workforce.Entities;

// The five canonical entities: each says what makes a value valid and which entities it belongs to. Grain type names are
// explicit because they are stored in every event.

[GrainType(EntityTypes.Customer)]
public sealed class CustomerGrain(IEventLog events, SiloRuntime runtime, TimeProvider time) : EntityGrain<Customer>(events, runtime, time), ICustomerGrain
{
    public Task<EntitySnapshot<Customer>> Save(Customer value, EventProvenance by) => SaveAsync(value, by);

    public Task<EntitySnapshot<Customer>> Create(Customer value, EventProvenance by) => CreateAsync(value, by);

    public Task<EntitySnapshot<Customer>?> Get() => Task.FromResult(Snapshot());

    public Task Link(string entity, EventProvenance by) => LinkAsync(entity, by);

    protected override string? Validate(Customer value) => EntityRules.Problem(value);
}

[GrainType(EntityTypes.Project)]
public sealed class ProjectGrain(IEventLog events, SiloRuntime runtime, TimeProvider time) : EntityGrain<Project>(events, runtime, time), IProjectGrain
{
    public Task<EntitySnapshot<Project>> Save(Project value, EventProvenance by) => SaveAsync(value, by);

    public Task<EntitySnapshot<Project>> Create(Project value, EventProvenance by) => CreateAsync(value, by);

    public Task<EntitySnapshot<Project>?> Get() => Task.FromResult(Snapshot());

    public Task Link(string entity, EventProvenance by) => LinkAsync(entity, by);

    protected override string? Validate(Project value) => EntityRules.Problem(value);

    protected override IEnumerable<GrainId> Owners(Project value) => [new(EntityTypes.Customer, value.CustomerId)];
}

[GrainType(EntityTypes.Lead)]
public sealed class LeadGrain(IEventLog events, SiloRuntime runtime, TimeProvider time) : EntityGrain<Lead>(events, runtime, time), ILeadGrain
{
    public Task<EntitySnapshot<Lead>> Save(Lead value, EventProvenance by) => SaveAsync(value, by);

    public Task<EntitySnapshot<Lead>> Create(Lead value, EventProvenance by) => CreateAsync(value, by);

    public Task<EntitySnapshot<Lead>?> Get() => Task.FromResult(Snapshot());

    public Task Link(string entity, EventProvenance by) => LinkAsync(entity, by);

    protected override string? Validate(Lead value) => EntityRules.Problem(value);

    protected override IEnumerable<GrainId> Owners(Lead value) =>
        value.CustomerId is { Length: > 0 } customer ? [new(EntityTypes.Customer, customer)] : [];
}

[GrainType(EntityTypes.ContentItem)]
public sealed class ContentItemGrain(IEventLog events, SiloRuntime runtime, TimeProvider time) : EntityGrain<ContentItem>(events, runtime, time), IContentItemGrain
{
    public Task<EntitySnapshot<ContentItem>> Save(ContentItem value, EventProvenance by) => SaveAsync(value, by);

    public Task<EntitySnapshot<ContentItem>?> Get() => Task.FromResult(Snapshot());

    public Task Link(string entity, EventProvenance by) => LinkAsync(entity, by);

    protected override string? Validate(ContentItem value) => EntityRules.Problem(value);
}

[GrainType(EntityTypes.Invoice)]
public sealed class InvoiceGrain(IEventLog events, SiloRuntime runtime, TimeProvider time) : EntityGrain<Invoice>(events, runtime, time), IInvoiceGrain
{
    public Task<EntitySnapshot<Invoice>> Save(Invoice value, EventProvenance by) => SaveAsync(value, by);

    public Task<EntitySnapshot<Invoice>?> Get() => Task.FromResult(Snapshot());

    public Task Link(string entity, EventProvenance by) => LinkAsync(entity, by);

    protected override string? Validate(Invoice value) => EntityRules.Problem(value);

    protected override IEnumerable<GrainId> Owners(Invoice value) => [new(EntityTypes.Customer, value.CustomerId)];
}
