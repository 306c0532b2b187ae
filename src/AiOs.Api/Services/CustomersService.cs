using AiOs.Api.Business;
using AiOs.Api.Server;
using AiOs.Api.V1;
using AiOs.Workforce.Entities;
using CustomerValue = AiOs.Workforce.Entities.Customer;

namespace AiOs.Api.Services;

/// <summary>aios.v1.Customers over the customer grains (each customer's state is its event stream).</summary>
internal sealed class CustomersService(EntityAccess entities) : IGrpcService
{
    private static readonly string[] Settable = ["name", "email", "company", "tier", "notes", "attributes"];

    public void Bind(ServiceBinder binder)
    {
        var service = EntitiesReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.ServiceDescriptor>("Customers");
        binder.Unary<CreateCustomerRequest, V1.Customer>(service, "CreateCustomer", CreateAsync);
        binder.Unary<GetCustomerRequest, V1.Customer>(service, "GetCustomer", GetAsync);
        binder.Unary<ListCustomersRequest, ListCustomersResponse>(service, "ListCustomers", ListAsync);
        binder.Unary<UpdateCustomerRequest, V1.Customer>(service, "UpdateCustomer", UpdateAsync);
    }

    private async Task<V1.Customer> CreateAsync(CreateCustomerRequest request, ServerCallContext call)
    {
        var given = request.Customer ?? throw Fields.Invalid("customer", "is required");
        var id = given.CustomerId.Length > 0 ? Fields.NewId("customer.customer_id", given.CustomerId) : EntityAccess.NewId("cus");
        var value = Apply(new CustomerValue(""), given, [.. Settable]);
        var created = await EntityAccess.ChangeAsync("customer.customer_id",
            () => entities.Grains.GetGrain<ICustomerGrain>(id).Create(value, EntityAccess.By(call))).ConfigureAwait(false);
        return await ToContractAsync(created, call.CancellationToken).ConfigureAwait(false);
    }

    private async Task<V1.Customer> GetAsync(GetCustomerRequest request, ServerCallContext call)
    {
        var id = Fields.Id("customer_id", request.CustomerId);
        var snapshot = await entities.Grains.GetGrain<ICustomerGrain>(id).Get().ConfigureAwait(false) ?? throw Fields.NotFound("customer", id);
        return await ToContractAsync(snapshot, call.CancellationToken).ConfigureAwait(false);
    }

    private async Task<ListCustomersResponse> ListAsync(ListCustomersRequest request, ServerCallContext call)
    {
        var pageSize = Fields.PageSize(request.PageSize, 50, 500);
        var query = Fields.Optional("query", request.Query, 200);
        var tier = Fields.Optional("tier", request.Tier, 100);
        var (page, next) = await entities.ListAsync<EntitySnapshot<CustomerValue>, V1.Customer>(
            EntityTypes.Customer, request.PageToken, pageSize,
            id => entities.Grains.GetGrain<ICustomerGrain>(id).Get(),
            c => (query is null || Contains(c.Value.Name, query) || Contains(c.Value.Company, query))
                && (tier is null || string.Equals(c.Value.Tier, tier, StringComparison.OrdinalIgnoreCase)),
            c => ToContractAsync(c, call.CancellationToken),
            call.CancellationToken).ConfigureAwait(false);
        var response = new ListCustomersResponse { NextPageToken = next };
        response.Customers.AddRange(page);
        return response;
    }

    private async Task<V1.Customer> UpdateAsync(UpdateCustomerRequest request, ServerCallContext call)
    {
        var given = request.Customer ?? throw Fields.Invalid("customer", "is required");
        var id = Fields.Id("customer.customer_id", given.CustomerId);
        var fields = EntityAccess.Mask(request.UpdateMask, "customer", Settable);
        var grain = entities.Grains.GetGrain<ICustomerGrain>(id);
        var current = await grain.Get().ConfigureAwait(false) ?? throw Fields.NotFound("customer", id);
        var value = Apply(current.Value, given, fields);
        var saved = await EntityAccess.ChangeAsync("customer", () => grain.Save(value, EntityAccess.By(call))).ConfigureAwait(false);
        return await ToContractAsync(saved, call.CancellationToken).ConfigureAwait(false);
    }

    private static CustomerValue Apply(CustomerValue value, V1.Customer given, HashSet<string> fields)
    {
        if (fields.Contains("attributes"))
        {
            EntityAccess.NoAttributes("customer.attributes", given.Attributes);
        }

        return value with
        {
            Name = fields.Contains("name") ? Fields.Text("customer.name", given.Name, 200) : value.Name,
            Email = fields.Contains("email") ? EntityAccess.Email("customer.email", given.Email) : value.Email,
            Company = fields.Contains("company") ? Fields.Optional("customer.company", given.Company, 200) : value.Company,
            Tier = fields.Contains("tier") ? Fields.Optional("customer.tier", given.Tier, 100) : value.Tier,
            Notes = fields.Contains("notes") ? Fields.Optional("customer.notes", given.Notes, 10_000) : value.Notes,
        };
    }

    private async Task<V1.Customer> ToContractAsync(EntitySnapshot<CustomerValue> snapshot, CancellationToken cancellationToken)
    {
        var customer = new V1.Customer
        {
            CustomerId = snapshot.Id,
            Name = snapshot.Value.Name,
            Email = snapshot.Value.Email ?? "",
            Company = snapshot.Value.Company ?? "",
            Tier = snapshot.Value.Tier ?? "",
            Notes = snapshot.Value.Notes ?? "",
            Updated = EntityAccess.ToContract(snapshot.ChangedBy, snapshot.ChangedAt),
            Created = await entities.CreatedAsync(EntityTypes.Customer, snapshot.Id, cancellationToken).ConfigureAwait(false),
        };
        customer.ProjectIds.AddRange(Linked(snapshot.Links, EntityTypes.Project));
        customer.LeadIds.AddRange(Linked(snapshot.Links, EntityTypes.Lead));
        return customer;
    }

    private static IEnumerable<string> Linked(IEnumerable<string> links, string type) =>
        links.Where(l => l.StartsWith(type + "/", StringComparison.Ordinal)).Select(l => l[(type.Length + 1)..]);

    private static bool Contains(string? text, string query) => text?.Contains(query, StringComparison.OrdinalIgnoreCase) == true;
}
