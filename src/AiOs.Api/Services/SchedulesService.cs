using System.Security.Cryptography;
using System.Text;
using AiOs.Api.Business;
using AiOs.Api.Server;
using AiOs.Api.V1;
using AiOs.Grpc;
using AiOs.Persistence.Schedules;
using AiOs.Workforce.Models;
using AiOs.Workforce.Schedules;
using Microsoft.Extensions.Options;
using Google.Protobuf.WellKnownTypes;
using ScheduleStatus = AiOs.Workforce.Schedules.ScheduleStatus;
using GoalTemplate = AiOs.Workforce.Schedules.GoalTemplate;
using OverlapPolicy = AiOs.Workforce.Schedules.OverlapPolicy;

namespace AiOs.Api.Services;

/// <summary>aios.v1.Schedules: each schedule is its schedule grain (create, get, pause, resume, delete); the list comes
/// from the schedule store, which every silo reads. A definition is checked here first so that a mistake comes back as
/// INVALID_ARGUMENT naming the wrong field, before any grain is called.</summary>
internal sealed class SchedulesService(IGrainFactory grains, IScheduleStore store, IOptions<ModelOptions> models) : IGrpcService
{
    private const int MaxIdLength = 100;

    public void Bind(ServiceBinder binder)
    {
        var service = SchedulesReflection.Descriptor.Services[0];
        binder.Unary<CreateScheduleRequest, Schedule>(service, "CreateSchedule", (request, _) => CreateAsync(request));
        binder.Unary<GetScheduleRequest, Schedule>(service, "GetSchedule", async (request, _) =>
            ToContract(await Grain(request.ScheduleId).Get().ConfigureAwait(false), request.ScheduleId));
        binder.Unary<ListSchedulesRequest, ListSchedulesResponse>(service, "ListSchedules", ListAsync);
        binder.Unary<PauseScheduleRequest, Schedule>(service, "PauseSchedule", async (request, _) =>
            ToContract(await Grain(request.ScheduleId).Pause().ConfigureAwait(false), request.ScheduleId));
        binder.Unary<ResumeScheduleRequest, Schedule>(service, "ResumeSchedule", async (request, _) =>
            ToContract(await Grain(request.ScheduleId).Resume().ConfigureAwait(false), request.ScheduleId));
        binder.Unary<DeleteScheduleRequest, DeleteScheduleResponse>(service, "DeleteSchedule", async (request, _) =>
            await Grain(request.ScheduleId).Delete().ConfigureAwait(false)
                ? new DeleteScheduleResponse()
                : throw NotFound(request.ScheduleId));
    }

    private async Task<Schedule> CreateAsync(CreateScheduleRequest request)
    {
        var schedule = request.Schedule ?? throw new RpcException(StatusCode.InvalidArgument, "schedule is required");
        var id = schedule.ScheduleId is { Length: > 0 } given ? given
            : request.RequestId is { Length: > 0 } requestId ? "sch-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(requestId)).AsSpan(0, 8))
            : "sch-" + Guid.NewGuid().ToString("N")[..16];
        CheckId(id);
        var (_, budgetMicros) = Amounts.GoalBudget("goal.budget", schedule.Goal?.Budget, Currency);

        var spec = new ScheduleSpec(
            schedule.Name,
            schedule.TimingCase == Schedule.TimingOneofCase.Cron ? schedule.Cron : null,
            schedule.TimingCase == Schedule.TimingOneofCase.RunAt ? schedule.RunAt.ToDateTimeOffset() : null,
            schedule.TimeZone is { Length: > 0 } zone ? zone : null,
            new GoalTemplate(schedule.Goal?.Text ?? "", Empty(schedule.Goal?.CustomerId), Empty(schedule.Goal?.ProjectId), Empty(schedule.Goal?.Playbook),
                budgetMicros / 1_000_000m),
            schedule.Overlap switch
            {
                V1.OverlapPolicy.Unspecified or V1.OverlapPolicy.Skip => OverlapPolicy.Skip,
                V1.OverlapPolicy.Allow => OverlapPolicy.Allow,
                _ => throw new RpcException(StatusCode.InvalidArgument, $"overlap {schedule.Overlap} is not known"),
            });
        if (ScheduleRules.Check(spec) is { } problem)
        {
            throw new RpcException(StatusCode.InvalidArgument, problem);
        }

        var created = await Grain(id).Create(spec).ConfigureAwait(false);
        return created.Schedule is { } view
            ? ToContract(view)
            : throw new RpcException(created.Refusal?.Contains("exists", StringComparison.Ordinal) == true ? StatusCode.AlreadyExists : StatusCode.InvalidArgument, created.Refusal ?? "refused");
    }

    private async Task<ListSchedulesResponse> ListAsync(ListSchedulesRequest request, ServerCallContext call)
    {
        var statuses = request.Statuses.Select(s => s switch
        {
            V1.ScheduleStatus.Active => nameof(ScheduleStatus.Active),
            V1.ScheduleStatus.Paused => nameof(ScheduleStatus.Paused),
            V1.ScheduleStatus.Completed => nameof(ScheduleStatus.Completed),
            _ => throw new RpcException(StatusCode.InvalidArgument, $"status {s} is not a schedule status to filter by"),
        }).ToList();
        var rows = await store.ListSchedulesAsync(statuses, call.CancellationToken).ConfigureAwait(false);
        var response = new ListSchedulesResponse();
        response.Schedules.AddRange(rows.Select(r => ToContract(ScheduleRows.View(r))));
        return response;
    }

    private IScheduleGrain Grain(string scheduleId)
    {
        CheckId(scheduleId);
        return grains.GetGrain<IScheduleGrain>(scheduleId);
    }

    private static void CheckId(string id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxIdLength || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new RpcException(StatusCode.InvalidArgument, $"schedule_id must be 1-{MaxIdLength} letters, digits, '-', '_' or '.'");
        }
    }

    private static RpcException NotFound(string id) => new(StatusCode.NotFound, $"no schedule '{id}'");

    private string Currency => models.Value.Currency;

    private Schedule ToContract(ScheduleView? view, string id) => view is null ? throw NotFound(id) : ToContract(view);

    private Schedule ToContract(ScheduleView view)
    {
        var spec = view.Spec;
        var contract = new Schedule
        {
            ScheduleId = view.ScheduleId,
            Name = spec.Name,
            TimeZone = spec.TimeZone ?? "",
            Goal = new V1.GoalTemplate { Text = spec.Goal.Text, CustomerId = spec.Goal.CustomerId ?? "", ProjectId = spec.Goal.ProjectId ?? "", Playbook = spec.Goal.Playbook ?? "" },
            Overlap = spec.Overlap == OverlapPolicy.Allow ? V1.OverlapPolicy.Allow : V1.OverlapPolicy.Skip,
            Status = view.Status switch
            {
                ScheduleStatus.Active => V1.ScheduleStatus.Active,
                ScheduleStatus.Paused => V1.ScheduleStatus.Paused,
                _ => V1.ScheduleStatus.Completed,
            },
            LastGoalId = view.Progress.LastGoalId ?? "",
            Runs = view.Progress.Runs,
            SkippedRuns = view.Progress.SkippedTotal,
        };
        if (spec.Goal.Budget is { } budget)
        {
            // Kept in the price table's currency, which is the only one a goal's budget may be given in.
            contract.Goal.Budget = new Money { Currency = Currency, Micros = (long)Math.Round(budget * 1_000_000m, MidpointRounding.AwayFromZero) };
        }

        if (spec.Cron is { } cron)
        {
            contract.Cron = cron;
        }
        else if (spec.RunAt is { } runAt)
        {
            contract.RunAt = Timestamp.FromDateTimeOffset(runAt);
        }

        if (view.NextRunAt is { } next)
        {
            contract.NextRunAt = Timestamp.FromDateTimeOffset(next);
        }

        if (view.Progress.LastRunAt is { } last)
        {
            contract.LastRunAt = Timestamp.FromDateTimeOffset(last);
        }

        contract.RecentSkips.AddRange(view.Progress.Skipped.Select(s => new V1.SkippedRun { Occurrence = Timestamp.FromDateTimeOffset(s.Occurrence), Reason = s.Reason }));
        return contract;
    }

    private static string? Empty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
