using AiOs.Api.Business;
using AiOs.Api.Server;
using AiOs.Api.V1;
using AiOs.Grpc;
using AiOs.Workforce.Entities;
using ProjectValue = AiOs.Workforce.Entities.Project;

namespace AiOs.Api.Services;

/// <summary>aios.v1.Projects over the project grains; a project is linked to its customer when saved.</summary>
internal sealed class ProjectsService(EntityAccess entities) : IGrpcService
{
    private static readonly string[] Settable = ["name", "description", "status", "budget", "attributes"];

    public void Bind(ServiceBinder binder)
    {
        var service = EntitiesReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.ServiceDescriptor>("Projects");
        binder.Unary<CreateProjectRequest, V1.Project>(service, "CreateProject", CreateAsync);
        binder.Unary<GetProjectRequest, V1.Project>(service, "GetProject", GetAsync);
        binder.Unary<ListProjectsRequest, ListProjectsResponse>(service, "ListProjects", ListAsync);
        binder.Unary<UpdateProjectRequest, V1.Project>(service, "UpdateProject", UpdateAsync);
    }

    private async Task<V1.Project> CreateAsync(CreateProjectRequest request, ServerCallContext call)
    {
        var given = request.Project ?? throw Fields.Invalid("project", "is required");
        var id = given.ProjectId.Length > 0 ? Fields.NewId("project.project_id", given.ProjectId) : EntityAccess.NewId("prj");
        var customerId = Fields.Id("project.customer_id", given.CustomerId);
        var value = Apply(new ProjectValue(customerId, ""), given, [.. Settable]);
        if (await entities.Grains.GetGrain<ICustomerGrain>(customerId).Get().ConfigureAwait(false) is null)
        {
            throw new RpcException(StatusCode.NotFound, $"project.customer_id: no customer '{customerId}'");
        }

        var created = await EntityAccess.ChangeAsync("project.project_id",
            () => entities.Grains.GetGrain<IProjectGrain>(id).Create(value, EntityAccess.By(call))).ConfigureAwait(false);
        return await ToContractAsync(created, call.CancellationToken).ConfigureAwait(false);
    }

    private async Task<V1.Project> GetAsync(GetProjectRequest request, ServerCallContext call)
    {
        var id = Fields.Id("project_id", request.ProjectId);
        var snapshot = await entities.Grains.GetGrain<IProjectGrain>(id).Get().ConfigureAwait(false) ?? throw Fields.NotFound("project", id);
        return await ToContractAsync(snapshot, call.CancellationToken).ConfigureAwait(false);
    }

    private async Task<ListProjectsResponse> ListAsync(ListProjectsRequest request, ServerCallContext call)
    {
        var pageSize = Fields.PageSize(request.PageSize, 50, 500);
        var statuses = Fields.Statuses("statuses", request.Statuses);
        var customerId = Fields.Optional("customer_id", request.CustomerId, 200);
        var (page, next) = await entities.ListAsync<EntitySnapshot<ProjectValue>, V1.Project>(
            EntityTypes.Project, request.PageToken, pageSize,
            id => entities.Grains.GetGrain<IProjectGrain>(id).Get(),
            p => (customerId is null || p.Value.CustomerId == customerId) && (statuses.Count == 0 || statuses.Contains(ToContract(p.Value.Status))),
            p => ToContractAsync(p, call.CancellationToken),
            call.CancellationToken).ConfigureAwait(false);
        var response = new ListProjectsResponse { NextPageToken = next };
        response.Projects.AddRange(page);
        return response;
    }

    private async Task<V1.Project> UpdateAsync(UpdateProjectRequest request, ServerCallContext call)
    {
        var given = request.Project ?? throw Fields.Invalid("project", "is required");
        var id = Fields.Id("project.project_id", given.ProjectId);
        var fields = EntityAccess.Mask(request.UpdateMask, "project", Settable);
        var grain = entities.Grains.GetGrain<IProjectGrain>(id);
        var current = await grain.Get().ConfigureAwait(false) ?? throw Fields.NotFound("project", id);
        if (given.CustomerId.Length > 0 && given.CustomerId != current.Value.CustomerId)
        {
            throw Fields.Invalid("project.customer_id", $"a project stays with its customer ('{current.Value.CustomerId}')");
        }

        var value = Apply(current.Value, given, fields);
        var saved = await EntityAccess.ChangeAsync("project", () => grain.Save(value, EntityAccess.By(call))).ConfigureAwait(false);
        return await ToContractAsync(saved, call.CancellationToken).ConfigureAwait(false);
    }

    private static ProjectValue Apply(ProjectValue value, V1.Project given, HashSet<string> fields)
    {
        if (fields.Contains("attributes"))
        {
            EntityAccess.NoAttributes("project.attributes", given.Attributes);
        }

        if (fields.Contains("budget") && given.Budget is not null)
        {
            throw Fields.Invalid("project.budget", "project budgets are not stored yet");
        }

        return value with
        {
            Name = fields.Contains("name") ? Fields.Text("project.name", given.Name, 200) : value.Name,
            Description = fields.Contains("description") ? Fields.Optional("project.description", given.Description, 10_000) : value.Description,
            Status = fields.Contains("status") ? FromContract(given.Status, value.Status) : value.Status,
        };
    }

    // A new project without a status is active, like the grain's default.
    private static string FromContract(ProjectStatus status, string current) => status switch
    {
        ProjectStatus.Unspecified => current,
        ProjectStatus.Proposed => "proposed",
        ProjectStatus.Active => "active",
        ProjectStatus.OnHold => "on-hold",
        ProjectStatus.Completed => "completed",
        ProjectStatus.Cancelled => "cancelled",
        _ => throw Fields.Invalid("project.status", $"{(int)status} is not a ProjectStatus value"),
    };

    private static ProjectStatus ToContract(string status) => status switch
    {
        "proposed" => ProjectStatus.Proposed,
        "active" => ProjectStatus.Active,
        "on-hold" => ProjectStatus.OnHold,
        "completed" => ProjectStatus.Completed,
        "cancelled" => ProjectStatus.Cancelled,
        _ => ProjectStatus.Unspecified,
    };

    private async Task<V1.Project> ToContractAsync(EntitySnapshot<ProjectValue> snapshot, CancellationToken cancellationToken) => new()
    {
        ProjectId = snapshot.Id,
        CustomerId = snapshot.Value.CustomerId,
        Name = snapshot.Value.Name,
        Description = snapshot.Value.Description ?? "",
        Status = ToContract(snapshot.Value.Status),
        Updated = EntityAccess.ToContract(snapshot.ChangedBy, snapshot.ChangedAt),
        Created = await entities.CreatedAsync(EntityTypes.Project, snapshot.Id, cancellationToken).ConfigureAwait(false),
    };
}
