using System.Text;
using AiOs.Persistence.Approvals;
using AiOs.Persistence.Shared;
using Npgsql;

namespace AiOs.Persistence.PostgreSql;

// IApprovalStore: an approval is an INSERT ... ON CONFLICT DO NOTHING (the first of an id wins), a decision one UPDATE
// whose WHERE clause carries the expected version, so of two racing decisions (two silos, two operators) exactly one
// wins; policy decisions are appended once per action key.
public sealed partial class PostgreSqlStorageProvider : IApprovalStore
{
    private const string ApprovalColumns = """
        approval_id, kind, goal_id, task_id, action_key, action_kind, risk_class, summary, payload, policy_rule, policy_reason,
        confidence, sources, status, created_at, deadline, grace_ends_at, default_action, decided_by, decided_at, decision_reason,
        final_payload, escalated_at, version
        """;

    private const string InsertApproval = $"""
        INSERT INTO aios_approvals ({ApprovalColumns}, updated_at, updated_by)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, NULL, NULL, NULL, NULL, NULL, 1, $19, $20)
        ON CONFLICT (approval_id) DO NOTHING
        """;

    private const string SelectApproval = $"SELECT {ApprovalColumns} FROM aios_approvals WHERE approval_id = $1";

    private const string UpdateApprovalSql = $"""
        UPDATE aios_approvals
        SET status = $2, decided_by = $3, decided_at = $4, decision_reason = $5, final_payload = $6, escalated_at = $7,
            version = version + 1, updated_at = $8, updated_by = $9
        WHERE approval_id = $1 AND version = $10
        RETURNING {ApprovalColumns}
        """;

    private const string DecisionColumns = "sequence, action_key, goal_id, task_id, action_kind, outcome, rule, reason, recipient, policy_version, decided_at";

    private const string InsertDecision = """
        INSERT INTO aios_policy_decisions (action_key, goal_id, task_id, action_kind, outcome, rule, reason, recipient, policy_version, decided_at, written_by)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
        ON CONFLICT (action_key) DO NOTHING
        """;

    private const string SelectDecision = $"SELECT {DecisionColumns} FROM aios_policy_decisions WHERE action_key = $1";

    private const string SelectRecipient = "SELECT EXISTS (SELECT 1 FROM aios_policy_decisions WHERE recipient = $1 AND action_key <> $2)";

    /// <inheritdoc />
    public Task<ApprovalRecord> CreateApprovalAsync(ApprovalRecord approval, StorageWriter writer, CancellationToken cancellationToken = default)
    {
        ApprovalRules.Validate(approval);
        StorageErrors.ThrowIfFenced(writer);
        return RunAsync(async (connection, ct) =>
        {
            var insert = Command(connection, InsertApproval, approval.ApprovalId, approval.Kind.ToString(), approval.GoalId, approval.TaskId,
                approval.ActionKey, approval.ActionKind, approval.RiskClass, approval.Summary, approval.Payload, approval.PolicyRule,
                approval.PolicyReason, approval.Confidence, ApprovalRules.SourcesToJson(approval.Sources), approval.Status.ToString(),
                Utc(approval.CreatedAt), Utc(approval.Deadline), Utc(approval.GraceEndsAt), approval.DefaultAction.ToString(), _time.GetUtcNow(), writer.SiloId);
            await using (insert.ConfigureAwait(false))
            {
                await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            return (await ReadApprovalsAsync(Command(connection, SelectApproval, approval.ApprovalId), ct).ConfigureAwait(false)).Single();
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ApprovalRecord?> ReadApprovalAsync(string approvalId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(approvalId);
        return RunAsync(
            async (connection, ct) => (await ReadApprovalsAsync(Command(connection, SelectApproval, approvalId), ct).ConfigureAwait(false)).SingleOrDefault(),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ApprovalRecord>> ListApprovalsAsync(ApprovalQuery query, CancellationToken cancellationToken = default)
    {
        ApprovalRules.Validate(query);
        var sql = new StringBuilder($"SELECT {ApprovalColumns} FROM aios_approvals WHERE true");
        var values = new List<object?>();
        if (query.Statuses.Count > 0)
        {
            values.Add(query.Statuses.Select(s => s.ToString()).ToArray());
            sql.Append($" AND status = ANY(${values.Count})");
        }

        if (query.GoalId is { } goal)
        {
            values.Add(goal);
            sql.Append($" AND goal_id = ${values.Count}");
        }

        if (query.ActionKind is { } kind)
        {
            values.Add(kind);
            sql.Append($" AND action_kind = ${values.Count}");
        }

        if (query.AfterDeadline is { } after)
        {
            values.Add(Utc(after));
            values.Add(query.AfterId ?? "");
            sql.Append($" AND (deadline, approval_id) > (${values.Count - 1}, ${values.Count})");
        }

        values.Add(query.Limit);
        sql.Append($" ORDER BY deadline, approval_id LIMIT ${values.Count}");
        return RunAsync<IReadOnlyList<ApprovalRecord>>(
            async (connection, ct) => await ReadApprovalsAsync(Command(connection, sql.ToString(), [.. values]), ct).ConfigureAwait(false),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<ApprovalRecord?> UpdateApprovalAsync(ApprovalRecord updated, StorageWriter writer, CancellationToken cancellationToken = default)
    {
        ApprovalRules.Validate(updated);
        StorageErrors.ThrowIfFenced(writer);
        return RunAsync(async (connection, ct) =>
        {
            var command = Command(connection, UpdateApprovalSql, updated.ApprovalId, updated.Status.ToString(), updated.DecidedBy,
                updated.DecidedAt is { } decidedAt ? Utc(decidedAt) : null, updated.DecisionReason, updated.FinalPayload,
                updated.EscalatedAt is { } escalatedAt ? Utc(escalatedAt) : null, _time.GetUtcNow(), writer.SiloId, updated.Version);
            return (await ReadApprovalsAsync(command, ct).ConfigureAwait(false)).SingleOrDefault();
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<PolicyDecisionRecord> RecordPolicyDecisionAsync(PolicyDecisionRecord decision, StorageWriter writer, CancellationToken cancellationToken = default)
    {
        ApprovalRules.Validate(decision);
        StorageErrors.ThrowIfFenced(writer);
        return RunAsync(async (connection, ct) =>
        {
            var insert = Command(connection, InsertDecision, decision.ActionKey, decision.GoalId, decision.TaskId, decision.ActionKind,
                decision.Outcome.ToString(), decision.Rule, decision.Reason, decision.Recipient, decision.PolicyVersion, Utc(decision.DecidedAt), writer.SiloId);
            await using (insert.ConfigureAwait(false))
            {
                await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            return (await ReadDecisionsAsync(Command(connection, SelectDecision, decision.ActionKey), ct).ConfigureAwait(false)).Single();
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<PolicyDecisionRecord>> ListPolicyDecisionsAsync(PolicyDecisionQuery query, CancellationToken cancellationToken = default)
    {
        ApprovalRules.Validate(query);
        var sql = new StringBuilder($"SELECT {DecisionColumns} FROM aios_policy_decisions WHERE true");
        var values = new List<object?>();
        if (query.GoalId is { } goal)
        {
            values.Add(goal);
            sql.Append($" AND goal_id = ${values.Count}");
        }

        if (query.Outcomes.Count > 0)
        {
            values.Add(query.Outcomes.Select(o => o.ToString()).ToArray());
            sql.Append($" AND outcome = ANY(${values.Count})");
        }

        if (query.BeforeSequence is { } before)
        {
            values.Add(before);
            sql.Append($" AND sequence < ${values.Count}");
        }

        values.Add(query.Limit);
        sql.Append($" ORDER BY sequence DESC LIMIT ${values.Count}");
        return RunAsync<IReadOnlyList<PolicyDecisionRecord>>(
            async (connection, ct) => await ReadDecisionsAsync(Command(connection, sql.ToString(), [.. values]), ct).ConfigureAwait(false),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> HasRecipientAsync(string recipient, string exceptActionKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(recipient);
        ArgumentNullException.ThrowIfNull(exceptActionKey);
        return RunAsync(async (connection, ct) =>
        {
            var command = Command(connection, SelectRecipient, recipient, exceptActionKey);
            await using (command.ConfigureAwait(false))
            {
                return (bool)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
            }
        }, cancellationToken);
    }

    private static async Task<List<ApprovalRecord>> ReadApprovalsAsync(NpgsqlCommand command, CancellationToken ct)
    {
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var approvals = new List<ApprovalRecord>();
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    approvals.Add(new ApprovalRecord(
                        reader.GetString(0),
                        ApprovalRules.Parse<ApprovalKind>(reader.GetString(1)),
                        reader.GetString(2),
                        reader.GetString(3),
                        reader.GetString(4),
                        reader.GetString(5),
                        reader.GetString(6),
                        reader.GetString(7),
                        reader.GetString(8),
                        reader.GetString(9),
                        reader.GetString(10),
                        reader.GetDouble(11),
                        ApprovalRules.SourcesFromJson(reader.GetString(12)),
                        ApprovalRules.Parse<ApprovalState>(reader.GetString(13)),
                        reader.GetFieldValue<DateTimeOffset>(14),
                        reader.GetFieldValue<DateTimeOffset>(15),
                        reader.GetFieldValue<DateTimeOffset>(16),
                        ApprovalRules.Parse<ApprovalDefault>(reader.GetString(17)),
                        reader.IsDBNull(18) ? null : reader.GetString(18),
                        reader.IsDBNull(19) ? null : reader.GetFieldValue<DateTimeOffset>(19),
                        reader.IsDBNull(20) ? null : reader.GetString(20),
                        reader.IsDBNull(21) ? null : reader.GetString(21),
                        reader.IsDBNull(22) ? null : reader.GetFieldValue<DateTimeOffset>(22),
                        reader.GetInt64(23)));
                }

                return approvals;
            }
        }
    }

    private static async Task<List<PolicyDecisionRecord>> ReadDecisionsAsync(NpgsqlCommand command, CancellationToken ct)
    {
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var decisions = new List<PolicyDecisionRecord>();
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    decisions.Add(new PolicyDecisionRecord(
                        reader.GetString(1),
                        reader.GetString(2),
                        reader.GetString(3),
                        reader.GetString(4),
                        ApprovalRules.Parse<PolicyVerdict>(reader.GetString(5)),
                        reader.GetString(6),
                        reader.GetString(7),
                        reader.IsDBNull(8) ? null : reader.GetString(8),
                        reader.GetString(9),
                        reader.GetFieldValue<DateTimeOffset>(10),
                        reader.GetInt64(0)));
                }

                return decisions;
            }
        }
    }
}
