using AiOs.Api.V1;
using Google.Protobuf.Reflection;

namespace AiOs.Client;

// Policies and the batch decision of approvals.
public sealed partial class AiOsClient
{
    private static readonly MethodDescriptor DecideApprovalsMethod = Method(ApprovalsReflection.Descriptor, "DecideApprovals");
    private static readonly MethodDescriptor GetPolicyMethod = Method(PoliciesReflection.Descriptor, "GetPolicy");
    private static readonly MethodDescriptor SetPolicyMethod = Method(PoliciesReflection.Descriptor, "SetPolicy");
    private static readonly MethodDescriptor ListPolicyDecisionsMethod = Method(PoliciesReflection.Descriptor, "ListPolicyDecisions");

    /// <summary>aios.v1.Approvals/DecideApprovals: several decisions, each succeeding or failing on its own.</summary>
    public Task<DecideApprovalsResponse> DecideApprovalsAsync(DecideApprovalsRequest request, CallOptions options = default) =>
        Unary<DecideApprovalsRequest, DecideApprovalsResponse>(DecideApprovalsMethod, request, options);

    /// <summary>aios.v1.Policies/GetPolicy.</summary>
    public Task<Policy> GetPolicyAsync(CallOptions options = default) =>
        Unary<GetPolicyRequest, Policy>(GetPolicyMethod, new GetPolicyRequest(), options);

    /// <summary>aios.v1.Policies/SetPolicy: INVALID_ARGUMENT with the line and reason for a malformed document.</summary>
    public Task<Policy> SetPolicyAsync(string document, string expectedVersion = "", CallOptions options = default) =>
        Unary<SetPolicyRequest, Policy>(SetPolicyMethod, new SetPolicyRequest { Document = document, ExpectedVersion = expectedVersion }, options);

    /// <summary>aios.v1.Policies/ListPolicyDecisions, newest first.</summary>
    public Task<ListPolicyDecisionsResponse> ListPolicyDecisionsAsync(ListPolicyDecisionsRequest request, CallOptions options = default) =>
        Unary<ListPolicyDecisionsRequest, ListPolicyDecisionsResponse>(ListPolicyDecisionsMethod, request, options);
}
