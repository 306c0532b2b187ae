using System.Globalization;
using AiOs.Api.Server;
using AiOs.Api.V1;
using AiOs.Grpc;
using AiOs.Persistence.Approvals;
using AiOs.Workforce.Policies;
using Google.Protobuf.WellKnownTypes;
using PolicyContract = AiOs.Api.V1.Policy;
using PolicyDecisionContract = AiOs.Api.V1.PolicyDecision;
using PolicyRuleContract = AiOs.Api.V1.PolicyRule;

namespace AiOs.Api.Services;

/// <summary>aios.v1.Policies over the policy grain (the document in force, its rules and suggestions) and the decision
/// log. A malformed document is INVALID_ARGUMENT naming the line and reason, with the previous policy left in force; a
/// stale expected_version is ABORTED.</summary>
internal sealed class PoliciesService(IGrainFactory grains, IApprovalStore store, PolicyBook book) : IGrpcService
{
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;

    public void Bind(ServiceBinder binder)
    {
        var service = PoliciesReflection.Descriptor.Services[0];
        binder.Unary<GetPolicyRequest, PolicyContract>(service, "GetPolicy", async (_, _) =>
            ToContract(await grains.GetGrain<IPolicyGrain>(PolicyGrain.Key).Get().ConfigureAwait(false)));
        binder.Unary<SetPolicyRequest, PolicyContract>(service, "SetPolicy", SetAsync);
        binder.Unary<ListPolicyDecisionsRequest, ListPolicyDecisionsResponse>(service, "ListPolicyDecisions", ListDecisionsAsync);
    }

    private async Task<PolicyContract> SetAsync(SetPolicyRequest request, ServerCallContext call)
    {
        long? expected = null;
        if (request.ExpectedVersion.Length > 0)
        {
            expected = long.TryParse(request.ExpectedVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
                ? version
                : throw new RpcException(StatusCode.InvalidArgument, $"expected_version '{request.ExpectedVersion}' is not a version this service returned");
        }

        try
        {
            return ToContract(await grains.GetGrain<IPolicyGrain>(PolicyGrain.Key).Set(request.Document, call.Actor, expected).ConfigureAwait(false));
        }
        catch (PolicyInvalidException ex)
        {
            throw new RpcException(StatusCode.InvalidArgument, $"{ex.Message}; the previous policy stays in force");
        }
        catch (PolicyVersionConflictException ex)
        {
            throw new RpcException(StatusCode.Aborted, ex.Message);
        }
    }

    private async Task<ListPolicyDecisionsResponse> ListDecisionsAsync(ListPolicyDecisionsRequest request, ServerCallContext call)
    {
        if (request.PageSize is < 0 or > MaxPageSize)
        {
            throw new RpcException(StatusCode.InvalidArgument, $"page_size must be between 0 and {MaxPageSize}");
        }

        long? before = null;
        if (request.PageToken.Length > 0)
        {
            before = long.TryParse(request.PageToken, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
                ? sequence
                : throw new RpcException(StatusCode.InvalidArgument, "page_token is not one this service returned");
        }

        var outcomes = request.Outcomes.Select(o => o switch
        {
            PolicyOutcome.Auto => PolicyVerdict.Auto,
            PolicyOutcome.NeedsApproval => PolicyVerdict.NeedsApproval,
            PolicyOutcome.Refused => PolicyVerdict.Refused,
            _ => throw new RpcException(StatusCode.InvalidArgument, $"unknown policy outcome {o}"),
        }).ToList();
        var size = request.PageSize == 0 ? DefaultPageSize : request.PageSize;
        var page = await store.ListPolicyDecisionsAsync(
            new PolicyDecisionQuery(request.GoalId.Length == 0 ? null : request.GoalId, outcomes, before, size + 1), call.CancellationToken).ConfigureAwait(false);
        var response = new ListPolicyDecisionsResponse();
        response.Decisions.AddRange(page.Take(size).Select(d => new PolicyDecisionContract
        {
            At = Timestamp.FromDateTimeOffset(d.DecidedAt),
            GoalId = d.GoalId,
            TaskId = d.TaskId,
            ActionKind = d.ActionKind,
            Outcome = ToContract(d.Outcome),
            Rule = d.Rule,
            Reason = d.Reason,
        }));
        if (page.Count > size)
        {
            response.NextPageToken = page[size - 1].Sequence.ToString(CultureInfo.InvariantCulture);
        }

        return response;
    }

    private PolicyContract ToContract(PolicySnapshot snapshot)
    {
        var contract = new PolicyContract
        {
            Document = snapshot.Document,
            Version = snapshot.Version.ToString(CultureInfo.InvariantCulture),
            UpdatedBy = snapshot.UpdatedBy ?? "built-in default",
        };
        if (snapshot.UpdatedAt is { } at)
        {
            contract.UpdatedAt = Timestamp.FromDateTimeOffset(at);
        }

        contract.Rules.AddRange(book.For(snapshot).Rules.Select(r => new PolicyRuleContract { Name = r.Name, Condition = r.ConditionText, Outcome = ToContract(r.Outcome) }));
        contract.Suggestions.AddRange(snapshot.Suggestions.Select(s => new AiOs.Api.V1.AutonomySuggestion
        {
            ActionKind = s.ActionKind,
            ConsecutiveApprovals = s.ConsecutiveApprovals,
            Text = s.Text,
        }));
        return contract;
    }

    private static PolicyOutcome ToContract(PolicyVerdict verdict) => verdict switch
    {
        PolicyVerdict.Auto => PolicyOutcome.Auto,
        PolicyVerdict.NeedsApproval => PolicyOutcome.NeedsApproval,
        _ => PolicyOutcome.Refused,
    };
}
