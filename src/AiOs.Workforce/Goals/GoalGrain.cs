using AiOs.Persistence;
using AiOs.Persistence.Events;
using AiOs.Runtime;
using AiOs.Workforce.Coordinator;

namespace AiOs.Workforce.Goals;

[GrainType(GoalGrain.TypeName)]
public sealed class GoalGrain(IEventLog events, SiloRuntime runtime, TimeProvider time) : Grain, IGoalGrain
{
    /// <summary>Stored in every event of a goal's stream: never rename.</summary>
    public const string TypeName = "goal";

    private const string CancelledKind = TypeName + ".cancelled";

    private readonly StorageWriter _writer = new(runtime.SiloId);
    private GoalSubmission? _submission;
    private long _revision;
    private bool _cancelled;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A goal's stream is short: its submission and at most one cancellation.
        var stored = await events.ReadStreamAsync(GrainId, 0, 16, cancellationToken);
        _submission = stored.Count > 0 && stored[0].Payload is { } payload ? WorkforceJson.Deserialize<GoalSubmission>(payload) : null;
        _revision = stored.Count > 0 ? stored[^1].Revision : 0;
        _cancelled = stored.Any(e => e.Kind == CancelledKind);
    }

    public Task<GoalSubmission?> Get() => Task.FromResult(_submission);

    public async Task<GoalSubmission> Submit(GoalSubmission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        ArgumentException.ThrowIfNullOrWhiteSpace(submission.Text);
        if (_submission is null)
        {
            var first = submission with { SubmittedAt = time.GetUtcNow() };
            var provenance = new EventProvenance(submission.Source, submission.Actor, $"goal/{GrainId.Key}");
            try
            {
                await events.AppendAsync(new NewEvent(GrainId, 1, $"{TypeName}.submitted", WorkforceJson.Serialize(first), provenance, first.SubmittedAt), _writer);
                _submission = first;
                _revision = 1;
            }
            catch (EventStreamConflictException)
            {
                // Another activation recorded it first (a moved partition): the stored submission is the goal.
                await OnActivateAsync(CancellationToken.None);
            }
        }

        var stored = _submission!;
        var listing = new GoalListing(GrainId.Key, stored);
        await GrainFactory.GetGrain<IGoalIndexGrain>(listing.Position.Day).Add(listing);
        await GrainFactory.GetGrain<ICoordinatorGrain>(GrainId.Key).Submit(
            new GoalRequest(stored.Text, stored.CustomerId, stored.ProjectId, stored.Playbook, stored.Deadline,
                stored.BudgetMicros is { } micros ? micros / 1_000_000m : null, stored.SubmittedAt));
        return stored;
    }

    public async Task Cancel(string reason, string source, string actor)
    {
        if (_submission is null)
        {
            throw new InvalidOperationException($"there is no goal '{GrainId.Key}'");
        }

        if (!_cancelled)
        {
            var payload = WorkforceJson.Serialize(new CancellationPayload(reason));
            var provenance = new EventProvenance(source, actor, $"goal/{GrainId.Key}");
            try
            {
                await events.AppendAsync(new NewEvent(GrainId, _revision + 1, CancelledKind, payload, provenance, time.GetUtcNow()), _writer);
                (_revision, _cancelled) = (_revision + 1, true);
            }
            catch (EventStreamConflictException)
            {
                await OnActivateAsync(CancellationToken.None);
            }
        }

        await GrainFactory.GetGrain<ICoordinatorGrain>(GrainId.Key).Cancel();
    }

    public async Task<long> Erase()
    {
        if (_submission is { } submission)
        {
            await GrainFactory.GetGrain<IGoalIndexGrain>(new GoalListing(GrainId.Key, submission).Position.Day).Erase(GrainId.Key);
        }

        var erased = await events.EraseStreamAsync(GrainId, _writer);
        (_submission, _revision, _cancelled) = (null, 0, false);
        DeactivateOnIdle();
        return erased;
    }

    private sealed record CancellationPayload(string Reason);
}
