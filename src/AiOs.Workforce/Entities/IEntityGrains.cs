using AiOs.Persistence.Events;

namespace AiOs.Workforce.Entities;

/// <summary>An entity that lists others linked to it (a customer's projects and leads).</summary>
public interface IEntityLinks : IGrainWithStringKey
{
    /// <summary>Records that <paramref name="entity"/> (<c>type/key</c>) belongs to this one; idempotent.</summary>
    Task Link(string entity, EventProvenance by);
}

/// <summary>A customer, keyed by its id.</summary>
public interface ICustomerGrain : IEntityLinks
{
    /// <summary>Creates or updates the customer; an unchanged value appends nothing.</summary>
    Task<EntitySnapshot<Customer>> Save(Customer value, EventProvenance by);

    /// <summary>Creates it; <see cref="EntityExistsException"/> when it exists already.</summary>
    Task<EntitySnapshot<Customer>> Create(Customer value, EventProvenance by);

    /// <summary>The customer, or null when it was never created.</summary>
    [ReadOnly]
    Task<EntitySnapshot<Customer>?> Get();
}

/// <summary>A project, keyed by its id; saving it links it to its customer.</summary>
public interface IProjectGrain : IEntityLinks
{
    Task<EntitySnapshot<Project>> Save(Project value, EventProvenance by);

    /// <summary>Creates it; <see cref="EntityExistsException"/> when it exists already.</summary>
    Task<EntitySnapshot<Project>> Create(Project value, EventProvenance by);

    [ReadOnly]
    Task<EntitySnapshot<Project>?> Get();
}

/// <summary>A lead, keyed by its id; once it names a customer it is linked to it.</summary>
public interface ILeadGrain : IEntityLinks
{
    Task<EntitySnapshot<Lead>> Save(Lead value, EventProvenance by);

    /// <summary>Creates it; <see cref="EntityExistsException"/> when it exists already.</summary>
    Task<EntitySnapshot<Lead>> Create(Lead value, EventProvenance by);

    [ReadOnly]
    Task<EntitySnapshot<Lead>?> Get();
}

/// <summary>A content item, keyed by its id.</summary>
public interface IContentItemGrain : IEntityLinks
{
    Task<EntitySnapshot<ContentItem>> Save(ContentItem value, EventProvenance by);

    [ReadOnly]
    Task<EntitySnapshot<ContentItem>?> Get();
}

/// <summary>An invoice, keyed by its number; linked to its customer.</summary>
public interface IInvoiceGrain : IEntityLinks
{
    Task<EntitySnapshot<Invoice>> Save(Invoice value, EventProvenance by);

    [ReadOnly]
    Task<EntitySnapshot<Invoice>?> Get();
}
