using System.Globalization;
using System.Text;
using AiOs.Api.Server;
using AiOs.Api.V1;
using AiOs.Grpc;
using AiOs.Persistence.Approvals;
using AiOs.Workforce.Approvals;
using Google.Protobuf.WellKnownTypes;
using ApprovalContract = AiOs.Api.V1.Approval;
using ContractStatus = AiOs.Api.V1.ApprovalStatus;
using Decision = AiOs.Workforce.Approvals.ApprovalDecision;

namespace AiOs.Api.Services;

/// <summary>aios.v1.Approvals over the approval grains (decisions) and the approval store (lists). A decision on an
/// unknown id is NOT_FOUND, a different decision on a decided approval FAILED_PRECONDITION, a bad decision (no reason
/// for a rejection, an edit that is not JSON) INVALID_ARGUMENT; none of them changes anything.</summary>
internal sealed class ApprovalsService(IGrainFactory grains, IApprovalStore store) : IGrpcService
{
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;
    private const int MaxBatch = 100;

    public void Bind(ServiceBinder binder)
    {
        var service = ApprovalsReflection.Descriptor.Services[0];
        binder.Unary<ListApprovalsRequest, ListApprovalsResponse>(service, "ListApprovals", ListAsync);
        binder.Unary<GetApprovalRequest, ApprovalContract>(service, "GetApproval", GetAsync);
        binder.Unary<ApproveRequest, ApprovalContract>(service, "Approve", (request, call) =>
            DecideAsync(request.ApprovalId, new Decision(ApprovalChoice.Approve, call.Actor, request.Comment)));
        binder.Unary<RejectRequest, ApprovalContract>(service, "Reject", (request, call) =>
            DecideAsync(request.ApprovalId, new Decision(ApprovalChoice.Reject, call.Actor, request.Reason)));
        binder.Unary<EditAndApproveRequest, ApprovalContract>(service, "EditAndApprove", (request, call) =>
            DecideAsync(request.ApprovalId, new Decision(ApprovalChoice.EditAndApprove, call.Actor, request.Comment, request.EditedPayloadJson)));
        binder.Unary<DecideApprovalsRequest, DecideApprovalsResponse>(service, "DecideApprovals", BatchAsync);
    }

    private async Task<ListApprovalsResponse> ListAsync(ListApprovalsRequest request, ServerCallContext call)
    {
        if (request.PageSize is < 0 or > MaxPageSize)
        {
            throw new RpcException(StatusCode.InvalidArgument, $"page_size must be between 0 and {MaxPageSize}");
        }

        var statuses = request.Statuses.Count == 0
            ? [ApprovalState.Pending, ApprovalState.Escalated, ApprovalState.Expired]
            : request.Statuses.Select(FromContract).ToList();
        var (afterDeadline, afterId) = ParseToken(request.PageToken);
        var size = request.PageSize == 0 ? DefaultPageSize : request.PageSize;
        var page = await store.ListApprovalsAsync(
            new ApprovalQuery(statuses, Optional(request.GoalId), Optional(request.ActionKind), afterDeadline, afterId, size + 1),
            call.CancellationToken).ConfigureAwait(false);
        var response = new ListApprovalsResponse();
        response.Approvals.AddRange(page.Take(size).Select(ToContract));
        if (page.Count > size)
        {
            var last = page[size - 1];
            response.NextPageToken = Convert.ToBase64String(Encoding.UTF8.GetBytes(
                last.Deadline.UtcTicks.ToString(CultureInfo.InvariantCulture) + "|" + last.ApprovalId));
        }

        return response;
    }

    private async Task<ApprovalContract> GetAsync(GetApprovalRequest request, ServerCallContext call)
    {
        RequireId(request.ApprovalId);
        var record = await store.ReadApprovalAsync(request.ApprovalId, call.CancellationToken).ConfigureAwait(false)
            ?? throw new RpcException(StatusCode.NotFound, $"there is no approval '{request.ApprovalId}'");
        return ToContract(record);
    }

    private async Task<ApprovalContract> DecideAsync(string approvalId, Decision decision)
    {
        RequireId(approvalId);
        try
        {
            return ToContract(await grains.GetGrain<IApprovalGrain>(approvalId).Decide(decision).ConfigureAwait(false));
        }
        catch (Exception ex) when (Map(ex) is { } rpc)
        {
            throw rpc;
        }
    }

    private async Task<DecideApprovalsResponse> BatchAsync(DecideApprovalsRequest request, ServerCallContext call)
    {
        if (request.Decisions.Count > MaxBatch)
        {
            throw new RpcException(StatusCode.InvalidArgument, $"at most {MaxBatch} decisions per call; got {request.Decisions.Count}");
        }

        var response = new DecideApprovalsResponse();
        foreach (var item in request.Decisions)
        {
            var result = new ApprovalDecisionResult { ApprovalId = item.ApprovalId };
            try
            {
                var choice = item.Kind switch
                {
                    DecisionKind.Approve => ApprovalChoice.Approve,
                    DecisionKind.Reject => ApprovalChoice.Reject,
                    DecisionKind.EditAndApprove => ApprovalChoice.EditAndApprove,
                    _ => throw new RpcException(StatusCode.InvalidArgument, "kind must be DECISION_KIND_APPROVE, _REJECT or _EDIT_AND_APPROVE"),
                };
                result.Approval = await DecideAsync(item.ApprovalId, new Decision(choice, call.Actor, item.Reason,
                    choice == ApprovalChoice.EditAndApprove ? item.EditedPayloadJson : null)).ConfigureAwait(false);
            }
            catch (RpcException ex)
            {
                (result.ErrorCode, result.ErrorMessage) = ((int)ex.StatusCode, ex.Detail);
            }

            response.Results.Add(result);
        }

        return response;
    }

    private static RpcException? Map(Exception ex) => ex switch
    {
        ApprovalNotFoundException => new RpcException(StatusCode.NotFound, ex.Message),
        ApprovalAlreadyDecidedException => new RpcException(StatusCode.FailedPrecondition, ex.Message),
        ArgumentException => new RpcException(StatusCode.InvalidArgument, ex.Message),
        _ => null,
    };

    private static void RequireId(string approvalId)
    {
        if (string.IsNullOrWhiteSpace(approvalId))
        {
            throw new RpcException(StatusCode.InvalidArgument, "approval_id is required");
        }
    }

    private static string? Optional(string value) => value.Length == 0 ? null : value;

    private static (DateTimeOffset? Deadline, string? Id) ParseToken(string token)
    {
        if (token.Length == 0)
        {
            return (null, null);
        }

        try
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split('|', 2);
            return (new DateTimeOffset(long.Parse(parts[0], CultureInfo.InvariantCulture), TimeSpan.Zero), parts[1]);
        }
        catch (Exception ex) when (ex is FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException or OverflowException)
        {
            throw new RpcException(StatusCode.InvalidArgument, "page_token is not one this service returned");
        }
    }

    private static ApprovalState FromContract(ContractStatus status) => status switch
    {
        ContractStatus.Pending => ApprovalState.Pending,
        ContractStatus.Approved => ApprovalState.Approved,
        ContractStatus.EditedAndApproved => ApprovalState.EditedAndApproved,
        ContractStatus.Rejected => ApprovalState.Rejected,
        ContractStatus.Escalated => ApprovalState.Escalated,
        ContractStatus.Expired => ApprovalState.Expired,
        _ => throw new RpcException(StatusCode.InvalidArgument, $"unknown approval status {status}"),
    };

    private static ContractStatus ToContract(ApprovalState state) => state switch
    {
        ApprovalState.Pending => ContractStatus.Pending,
        ApprovalState.Approved => ContractStatus.Approved,
        ApprovalState.EditedAndApproved => ContractStatus.EditedAndApproved,
        ApprovalState.Rejected => ContractStatus.Rejected,
        ApprovalState.Escalated => ContractStatus.Escalated,
        _ => ContractStatus.Expired,
    };

    internal static ApprovalContract ToContract(ApprovalRecord record)
    {
        var contract = new ApprovalContract
        {
            ApprovalId = record.ApprovalId,
            GoalId = record.GoalId,
            TaskId = record.TaskId,
            ActionKind = record.ActionKind,
            RiskClass = record.RiskClass,
            Summary = record.Summary,
            PayloadJson = record.FinalPayload ?? record.Payload,
            PolicyRule = record.PolicyRule,
            PolicyReason = record.PolicyReason,
            Confidence = record.Confidence,
            Status = ToContract(record.Status),
            CreatedAt = Timestamp.FromDateTimeOffset(record.CreatedAt),
            Deadline = Timestamp.FromDateTimeOffset(record.Deadline),
            DefaultAction = record.DefaultAction.ToString().ToLowerInvariant(),
            DecidedBy = record.DecidedBy ?? "",
            DecisionReason = record.DecisionReason ?? "",
        };
        contract.Sources.AddRange(record.Sources);
        if (record.DecidedAt is { } decidedAt)
        {
            contract.DecidedAt = Timestamp.FromDateTimeOffset(decidedAt);
        }

        return contract;
    }
}
