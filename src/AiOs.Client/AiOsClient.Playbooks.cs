using AiOs.Api.V1;
using Google.Protobuf.Reflection;

namespace AiOs.Client;

// Playbooks: the stored plans goals and schedules run by name.
public sealed partial class AiOsClient
{
    private static readonly MethodDescriptor ListPlaybooksMethod = Method(PlaybooksReflection.Descriptor, "ListPlaybooks");
    private static readonly MethodDescriptor GetPlaybookMethod = Method(PlaybooksReflection.Descriptor, "GetPlaybook");
    private static readonly MethodDescriptor DefinePlaybookMethod = Method(PlaybooksReflection.Descriptor, "DefinePlaybook");

    /// <summary>aios.v1.Playbooks/ListPlaybooks, by name.</summary>
    public Task<ListPlaybooksResponse> ListPlaybooksAsync(CallOptions options = default) =>
        Unary<ListPlaybooksRequest, ListPlaybooksResponse>(ListPlaybooksMethod, new ListPlaybooksRequest(), options);

    /// <summary>aios.v1.Playbooks/GetPlaybook: NOT_FOUND for an unknown name.</summary>
    public Task<Playbook> GetPlaybookAsync(string name, CallOptions options = default) =>
        Unary<GetPlaybookRequest, Playbook>(GetPlaybookMethod, new GetPlaybookRequest { Name = name }, options);

    /// <summary>aios.v1.Playbooks/DefinePlaybook: INVALID_ARGUMENT with every reason for a bad plan.</summary>
    public Task<Playbook> DefinePlaybookAsync(Playbook playbook, CallOptions options = default) =>
        Unary<DefinePlaybookRequest, Playbook>(DefinePlaybookMethod, new DefinePlaybookRequest { Playbook = playbook }, options);
}
