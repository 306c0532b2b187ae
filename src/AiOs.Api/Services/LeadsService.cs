using AiOs.Api.Business;
using AiOs.Api.Server;
using AiOs.Api.V1;
using AiOs.Grpc;
using AiOs.Workforce.Entities;
using LeadValue = AiOs.Workforce.Entities.Lead;

namespace AiOs.Api.Services;

/// <summary>aios.v1.Leads over the lead grains; a lead that names a customer (once won) is linked to it.</summary>
internal sealed class LeadsService(EntityAccess entities) : IGrpcService
{
    private static readonly string[] Settable = ["name", "email", "company", "source", "status", "customer_id", "notes", "attributes"];

    public void Bind(ServiceBinder binder)
    {
        var service = EntitiesReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.ServiceDescriptor>("Leads");
        binder.Unary<CreateLeadRequest, V1.Lead>(service, "CreateLead", CreateAsync);
        binder.Unary<GetLeadRequest, V1.Lead>(service, "GetLead", GetAsync);
        binder.Unary<ListLeadsRequest, ListLeadsResponse>(service, "ListLeads", ListAsync);
        binder.Unary<UpdateLeadRequest, V1.Lead>(service, "UpdateLead", UpdateAsync);
    }

    private async Task<V1.Lead> CreateAsync(CreateLeadRequest request, ServerCallContext call)
    {
        var given = request.Lead ?? throw Fields.Invalid("lead", "is required");
        var id = given.LeadId.Length > 0 ? Fields.NewId("lead.lead_id", given.LeadId) : EntityAccess.NewId("lead");
        var value = await ApplyAsync(new LeadValue(""), given, [.. Settable]).ConfigureAwait(false);
        var created = await EntityAccess.ChangeAsync("lead.lead_id",
            () => entities.Grains.GetGrain<ILeadGrain>(id).Create(value, EntityAccess.By(call))).ConfigureAwait(false);
        return await ToContractAsync(created, call.CancellationToken).ConfigureAwait(false);
    }

    private async Task<V1.Lead> GetAsync(GetLeadRequest request, ServerCallContext call)
    {
        var id = Fields.Id("lead_id", request.LeadId);
        var snapshot = await entities.Grains.GetGrain<ILeadGrain>(id).Get().ConfigureAwait(false) ?? throw Fields.NotFound("lead", id);
        return await ToContractAsync(snapshot, call.CancellationToken).ConfigureAwait(false);
    }

    private async Task<ListLeadsResponse> ListAsync(ListLeadsRequest request, ServerCallContext call)
    {
        var pageSize = Fields.PageSize(request.PageSize, 50, 500);
        var statuses = Fields.Statuses("statuses", request.Statuses);
        var query = Fields.Optional("query", request.Query, 200);
        var (page, next) = await entities.ListAsync<EntitySnapshot<LeadValue>, V1.Lead>(
            EntityTypes.Lead, request.PageToken, pageSize,
            id => entities.Grains.GetGrain<ILeadGrain>(id).Get(),
            l => (statuses.Count == 0 || statuses.Contains(ToContract(l.Value.Stage)))
                && (query is null || Contains(l.Value.Name, query) || Contains(l.Value.Company, query) || Contains(l.Value.Email, query)),
            l => ToContractAsync(l, call.CancellationToken),
            call.CancellationToken).ConfigureAwait(false);
        var response = new ListLeadsResponse { NextPageToken = next };
        response.Leads.AddRange(page);
        return response;
    }

    private async Task<V1.Lead> UpdateAsync(UpdateLeadRequest request, ServerCallContext call)
    {
        var given = request.Lead ?? throw Fields.Invalid("lead", "is required");
        var id = Fields.Id("lead.lead_id", given.LeadId);
        var fields = EntityAccess.Mask(request.UpdateMask, "lead", Settable);
        var grain = entities.Grains.GetGrain<ILeadGrain>(id);
        var current = await grain.Get().ConfigureAwait(false) ?? throw Fields.NotFound("lead", id);
        var value = await ApplyAsync(current.Value, given, fields).ConfigureAwait(false);
        var saved = await EntityAccess.ChangeAsync("lead", () => grain.Save(value, EntityAccess.By(call))).ConfigureAwait(false);
        return await ToContractAsync(saved, call.CancellationToken).ConfigureAwait(false);
    }

    private async Task<LeadValue> ApplyAsync(LeadValue value, V1.Lead given, HashSet<string> fields)
    {
        if (fields.Contains("attributes"))
        {
            EntityAccess.NoAttributes("lead.attributes", given.Attributes);
        }

        var customerId = fields.Contains("customer_id") ? Fields.OptionalId("lead.customer_id", given.CustomerId.Trim()) : value.CustomerId;
        if (customerId is not null && customerId != value.CustomerId
            && await entities.Grains.GetGrain<ICustomerGrain>(customerId).Get().ConfigureAwait(false) is null)
        {
            throw new RpcException(StatusCode.NotFound, $"lead.customer_id: no customer '{customerId}'");
        }

        return value with
        {
            Name = fields.Contains("name") ? Fields.Text("lead.name", given.Name, 200) : value.Name,
            Email = fields.Contains("email") ? EntityAccess.Email("lead.email", given.Email) : value.Email,
            Company = fields.Contains("company") ? Fields.Optional("lead.company", given.Company, 200) : value.Company,
            Source = fields.Contains("source") ? Fields.Optional("lead.source", given.Source, 200) ?? value.Source : value.Source,
            Stage = fields.Contains("status") ? FromContract(given.Status, value.Stage) : value.Stage,
            CustomerId = customerId,
            Notes = fields.Contains("notes") ? Fields.Optional("lead.notes", given.Notes, 10_000) : value.Notes,
        };
    }

    private static string FromContract(LeadStatus status, string current) => status switch
    {
        LeadStatus.Unspecified => current,
        LeadStatus.New => "new",
        LeadStatus.Contacted => "contacted",
        LeadStatus.Qualified => "qualified",
        LeadStatus.Won => "won",
        LeadStatus.Lost => "lost",
        _ => throw Fields.Invalid("lead.status", $"{(int)status} is not a LeadStatus value"),
    };

    private static LeadStatus ToContract(string stage) => stage switch
    {
        "new" => LeadStatus.New,
        "contacted" => LeadStatus.Contacted,
        "qualified" => LeadStatus.Qualified,
        "won" => LeadStatus.Won,
        "lost" => LeadStatus.Lost,
        _ => LeadStatus.Unspecified,
    };

    private async Task<V1.Lead> ToContractAsync(EntitySnapshot<LeadValue> snapshot, CancellationToken cancellationToken) => new()
    {
        LeadId = snapshot.Id,
        Name = snapshot.Value.Name,
        Email = snapshot.Value.Email ?? "",
        Company = snapshot.Value.Company ?? "",
        Source = snapshot.Value.Source,
        Status = ToContract(snapshot.Value.Stage),
        CustomerId = snapshot.Value.CustomerId ?? "",
        Notes = snapshot.Value.Notes ?? "",
        Updated = EntityAccess.ToContract(snapshot.ChangedBy, snapshot.ChangedAt),
        Created = await entities.CreatedAsync(EntityTypes.Lead, snapshot.Id, cancellationToken).ConfigureAwait(false),
    };

    private static bool Contains(string? text, string query) => text?.Contains(query, StringComparison.OrdinalIgnoreCase) == true;
}
