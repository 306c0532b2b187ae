using AiOs.Api.Business;
using AiOs.Api.Server;
using AiOs.Api.V1;
using AiOs.Grpc;
using AiOs.Workforce;
using AiOs.Workforce.Playbooks;
using Microsoft.Extensions.Options;
using Model = AiOs.Workforce.Playbooks;
using Playbook = AiOs.Api.V1.Playbook;

namespace AiOs.Api.Services;

/// <summary>aios.v1.Playbooks: this silo's catalog (built in, configured, defined at run time) and the cluster's store of
/// defined playbooks, which is the truth for those (this silo's copy may lag by the refresh interval).</summary>
internal sealed class PlaybooksService(PlaybookCatalog catalog, IGrainFactory grains, IOptions<WorkforceOptions> options, TimeProvider time) : IGrpcService
{
    public void Bind(ServiceBinder binder)
    {
        var service = PlaybooksReflection.Descriptor.Services[0];
        binder.Unary<ListPlaybooksRequest, ListPlaybooksResponse>(service, "ListPlaybooks", ListAsync);
        binder.Unary<GetPlaybookRequest, Playbook>(service, "GetPlaybook", GetAsync);
        binder.Unary<DefinePlaybookRequest, Playbook>(service, "DefinePlaybook", DefineAsync);
    }

    private async Task<ListPlaybooksResponse> ListAsync(ListPlaybooksRequest request, ServerCallContext call)
    {
        var defined = await DefinedAsync().ConfigureAwait(false);
        var names = catalog.All.Select(p => p.Name).Concat(defined.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var response = new ListPlaybooksResponse();
        response.Playbooks.AddRange(names.Select(name => ToContract(name, defined)));
        return response;
    }

    private async Task<Playbook> GetAsync(GetPlaybookRequest request, ServerCallContext call)
    {
        var name = Fields.Id("name", request.Name);
        var defined = await DefinedAsync().ConfigureAwait(false);
        return catalog.Find(name) is not null || defined.ContainsKey(name) ? ToContract(name, defined) : throw Fields.NotFound("playbook", name);
    }

    private async Task<Playbook> DefineAsync(DefinePlaybookRequest request, ServerCallContext call)
    {
        var given = request.Playbook ?? throw Fields.Invalid("playbook", "is required");
        if (PlaybookCatalog.IsBuiltIn(given.Name))
        {
            throw new RpcException(StatusCode.FailedPrecondition, $"playbook.name: '{given.Name}' is a built-in playbook and cannot be replaced; define one with another name");
        }

        var playbook = new Model.Playbook(
            given.Name,
            [.. given.Keywords.Select(k => k.Trim())],
            new Plan([.. given.Tasks.Select(t => new Model.PlannedTask(
                t.Id.Trim(), t.Role.Trim(), t.Instructions.Trim(), t.DependsOn.Count == 0 ? null : [.. t.DependsOn], t.Actions.Count == 0 ? null : [.. t.Actions]))]));
        try
        {
            await grains.GetGrain<IDefinedPlaybooksGrain>(IDefinedPlaybooksGrain.Key)
                .Define(new DefinedPlaybook(playbook, call.Actor, time.GetUtcNow())).ConfigureAwait(false);
        }
        catch (ArgumentException exception)
        {
            throw Fields.Invalid("playbook", exception.Message.Split(" (Parameter", 2)[0]);
        }

        return ToContract(playbook.Name, await DefinedAsync().ConfigureAwait(false));
    }

    private async Task<Dictionary<string, DefinedPlaybook>> DefinedAsync() =>
        (await grains.GetGrain<IDefinedPlaybooksGrain>(IDefinedPlaybooksGrain.Key).All().ConfigureAwait(false))
            .ToDictionary(p => p.Playbook.Name, StringComparer.Ordinal);

    private Playbook ToContract(string name, Dictionary<string, DefinedPlaybook> defined)
    {
        var stored = defined.GetValueOrDefault(name);
        var playbook = stored?.Playbook ?? catalog.Find(name)!;
        var contract = new Playbook
        {
            Name = playbook.Name,
            Origin = stored is not null ? PlaybookOrigin.Defined
                : options.Value.Playbooks.Any(p => p.Name == name) ? PlaybookOrigin.Configuration
                : PlaybookOrigin.BuiltIn,
            Defined = stored is null ? null : EntityAccess.ToContract(new Persistence.Events.EventProvenance("api", stored.DefinedBy), stored.DefinedAt),
        };
        contract.Keywords.AddRange(playbook.Keywords ?? []);
        contract.Tasks.AddRange((playbook.Plan?.Tasks ?? []).Select(t =>
        {
            var task = new V1.PlannedTask { Id = t.Id, Role = t.Role, Instructions = t.Instructions };
            task.DependsOn.AddRange(t.DependsOn ?? []);
            task.Actions.AddRange(t.Actions ?? []);
            return task;
        }));
        return contract;
    }
}
