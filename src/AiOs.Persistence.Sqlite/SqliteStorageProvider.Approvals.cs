using System.Text;
using AiOs.Persistence.Approvals;
using AiOs.Persistence.Shared;
using Microsoft.Data.Sqlite;

namespace AiOs.Persistence.Sqlite;

// IApprovalStore: an approval is an INSERT ... ON CONFLICT DO NOTHING (the first of an id wins), a decision one UPDATE
// whose WHERE clause carries the expected version; policy decisions are appended once per action key.
public sealed partial class SqliteStorageProvider : IApprovalStore
{
    private const string ApprovalColumns = """
        approval_id, kind, goal_id, task_id, action_key, action_kind, risk_class, summary, payload, policy_rule, policy_reason,
        confidence, sources, status, created_at, deadline, grace_ends_at, default_action, decided_by, decided_at, decision_reason,
        final_payload, escalated_at, version
        """;

    private const string InsertApproval = $"""
        INSERT INTO aios_approvals ({ApprovalColumns}, updated_at, updated_by)
        VALUES ($id, $kind, $goal, $task, $key, $actionKind, $risk, $summary, $payload, $rule, $reason, $confidence, $sources, $status,
                $created, $deadline, $grace, $default, NULL, NULL, NULL, NULL, NULL, 1, $now, $writtenBy)
        ON CONFLICT (approval_id) DO NOTHING
        """;

    private const string SelectApproval = $"SELECT {ApprovalColumns} FROM aios_approvals WHERE approval_id = $id";

    private const string UpdateApprovalSql = $"""
        UPDATE aios_approvals
        SET status = $status, decided_by = $decidedBy, decided_at = $decidedAt, decision_reason = $decisionReason,
            final_payload = $final, escalated_at = $escalatedAt, version = version + 1, updated_at = $now, updated_by = $writtenBy
        WHERE approval_id = $id AND version = $expected
        RETURNING {ApprovalColumns}
        """;

    private const string DecisionColumns = "sequence, action_key, goal_id, task_id, action_kind, outcome, rule, reason, recipient, policy_version, decided_at";

    private const string InsertDecision = """
        INSERT INTO aios_policy_decisions (action_key, goal_id, task_id, action_kind, outcome, rule, reason, recipient, policy_version, decided_at, written_by)
        VALUES ($key, $goal, $task, $kind, $outcome, $rule, $reason, $recipient, $version, $at, $writtenBy)
        ON CONFLICT (action_key) DO NOTHING
        """;

    private const string SelectDecision = $"SELECT {DecisionColumns} FROM aios_policy_decisions WHERE action_key = $key";

    private const string SelectRecipient = "SELECT EXISTS (SELECT 1 FROM aios_policy_decisions WHERE recipient = $recipient AND action_key <> $key)";

    /// <inheritdoc />
    public Task<ApprovalRecord> CreateApprovalAsync(ApprovalRecord approval, StorageWriter writer, CancellationToken cancellationToken = default)
    {
        ApprovalRules.Validate(approval);
        StorageErrors.ThrowIfFenced(writer);
        return WriteAsync(connection =>
        {
            using (var insert = connection.CreateCommand())
            {
                insert.CommandText = InsertApproval;
                AddParameter(insert, "$id", approval.ApprovalId);
                AddParameter(insert, "$kind", approval.Kind.ToString());
                AddParameter(insert, "$goal", approval.GoalId);
                AddParameter(insert, "$task", approval.TaskId);
                AddParameter(insert, "$key", approval.ActionKey);
                AddParameter(insert, "$actionKind", approval.ActionKind);
                AddParameter(insert, "$risk", approval.RiskClass);
                AddParameter(insert, "$summary", approval.Summary);
                AddParameter(insert, "$payload", approval.Payload);
                AddParameter(insert, "$rule", approval.PolicyRule);
                AddParameter(insert, "$reason", approval.PolicyReason);
                AddParameter(insert, "$confidence", approval.Confidence);
                AddParameter(insert, "$sources", ApprovalRules.SourcesToJson(approval.Sources));
                AddParameter(insert, "$status", approval.Status.ToString());
                AddParameter(insert, "$created", SqliteTime.ToMicroseconds(approval.CreatedAt));
                AddParameter(insert, "$deadline", SqliteTime.ToMicroseconds(approval.Deadline));
                AddParameter(insert, "$grace", SqliteTime.ToMicroseconds(approval.GraceEndsAt));
                AddParameter(insert, "$default", approval.DefaultAction.ToString());
                AddParameter(insert, "$now", SqliteTime.ToMicroseconds(_time.GetUtcNow()));
                AddParameter(insert, "$writtenBy", writer.SiloId);
                insert.ExecuteNonQuery();
            }

            using var select = connection.CreateCommand();
            select.CommandText = SelectApproval;
            AddParameter(select, "$id", approval.ApprovalId);
            return ReadApprovals(select).Single();
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ApprovalRecord?> ReadApprovalAsync(string approvalId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(approvalId);
        return ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = SelectApproval;
            AddParameter(command, "$id", approvalId);
            return ReadApprovals(command).SingleOrDefault();
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ApprovalRecord>> ListApprovalsAsync(ApprovalQuery query, CancellationToken cancellationToken = default)
    {
        ApprovalRules.Validate(query);
        return ReadAsync<IReadOnlyList<ApprovalRecord>>(connection =>
        {
            using var command = connection.CreateCommand();
            var sql = new StringBuilder($"SELECT {ApprovalColumns} FROM aios_approvals WHERE 1 = 1");
            if (query.Statuses.Count > 0)
            {
                sql.Append(" AND status IN (").AppendJoin(", ", query.Statuses.Select((_, i) => $"$s{i}")).Append(')');
                for (var i = 0; i < query.Statuses.Count; i++)
                {
                    AddParameter(command, $"$s{i}", query.Statuses[i].ToString());
                }
            }

            if (query.GoalId is { } goal)
            {
                sql.Append(" AND goal_id = $goal");
                AddParameter(command, "$goal", goal);
            }

            if (query.ActionKind is { } kind)
            {
                sql.Append(" AND action_kind = $kind");
                AddParameter(command, "$kind", kind);
            }

            if (query.AfterDeadline is { } after)
            {
                sql.Append(" AND (deadline > $after OR (deadline = $after AND approval_id > $afterId))");
                AddParameter(command, "$after", SqliteTime.ToMicroseconds(after));
                AddParameter(command, "$afterId", query.AfterId ?? "");
            }

            sql.Append(" ORDER BY deadline, approval_id LIMIT $limit");
            AddParameter(command, "$limit", query.Limit);
            command.CommandText = sql.ToString();
            return ReadApprovals(command);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ApprovalRecord?> UpdateApprovalAsync(ApprovalRecord updated, StorageWriter writer, CancellationToken cancellationToken = default)
    {
        ApprovalRules.Validate(updated);
        StorageErrors.ThrowIfFenced(writer);
        return WriteAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = UpdateApprovalSql;
            AddParameter(command, "$id", updated.ApprovalId);
            AddParameter(command, "$status", updated.Status.ToString());
            AddParameter(command, "$decidedBy", updated.DecidedBy);
            AddParameter(command, "$decidedAt", updated.DecidedAt is { } decidedAt ? SqliteTime.ToMicroseconds(decidedAt) : null);
            AddParameter(command, "$decisionReason", updated.DecisionReason);
            AddParameter(command, "$final", updated.FinalPayload);
            AddParameter(command, "$escalatedAt", updated.EscalatedAt is { } escalatedAt ? SqliteTime.ToMicroseconds(escalatedAt) : null);
            AddParameter(command, "$now", SqliteTime.ToMicroseconds(_time.GetUtcNow()));
            AddParameter(command, "$writtenBy", writer.SiloId);
            AddParameter(command, "$expected", updated.Version);
            return ReadApprovals(command).SingleOrDefault();
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<PolicyDecisionRecord> RecordPolicyDecisionAsync(PolicyDecisionRecord decision, StorageWriter writer, CancellationToken cancellationToken = default)
    {
        ApprovalRules.Validate(decision);
        StorageErrors.ThrowIfFenced(writer);
        return WriteAsync(connection =>
        {
            using (var insert = connection.CreateCommand())
            {
                insert.CommandText = InsertDecision;
                AddParameter(insert, "$key", decision.ActionKey);
                AddParameter(insert, "$goal", decision.GoalId);
                AddParameter(insert, "$task", decision.TaskId);
                AddParameter(insert, "$kind", decision.ActionKind);
                AddParameter(insert, "$outcome", decision.Outcome.ToString());
                AddParameter(insert, "$rule", decision.Rule);
                AddParameter(insert, "$reason", decision.Reason);
                AddParameter(insert, "$recipient", decision.Recipient);
                AddParameter(insert, "$version", decision.PolicyVersion);
                AddParameter(insert, "$at", SqliteTime.ToMicroseconds(decision.DecidedAt));
                AddParameter(insert, "$writtenBy", writer.SiloId);
                insert.ExecuteNonQuery();
            }

            using var select = connection.CreateCommand();
            select.CommandText = SelectDecision;
            AddParameter(select, "$key", decision.ActionKey);
            return ReadDecisions(select).Single();
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<PolicyDecisionRecord>> ListPolicyDecisionsAsync(PolicyDecisionQuery query, CancellationToken cancellationToken = default)
    {
        ApprovalRules.Validate(query);
        return ReadAsync<IReadOnlyList<PolicyDecisionRecord>>(connection =>
        {
            using var command = connection.CreateCommand();
            var sql = new StringBuilder($"SELECT {DecisionColumns} FROM aios_policy_decisions WHERE 1 = 1");
            if (query.GoalId is { } goal)
            {
                sql.Append(" AND goal_id = $goal");
                AddParameter(command, "$goal", goal);
            }

            if (query.Outcomes.Count > 0)
            {
                sql.Append(" AND outcome IN (").AppendJoin(", ", query.Outcomes.Select((_, i) => $"$o{i}")).Append(')');
                for (var i = 0; i < query.Outcomes.Count; i++)
                {
                    AddParameter(command, $"$o{i}", query.Outcomes[i].ToString());
                }
            }

            if (query.BeforeSequence is { } before)
            {
                sql.Append(" AND sequence < $before");
                AddParameter(command, "$before", before);
            }

            sql.Append(" ORDER BY sequence DESC LIMIT $limit");
            AddParameter(command, "$limit", query.Limit);
            command.CommandText = sql.ToString();
            return ReadDecisions(command);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> HasRecipientAsync(string recipient, string exceptActionKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(recipient);
        ArgumentNullException.ThrowIfNull(exceptActionKey);
        return ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = SelectRecipient;
            AddParameter(command, "$recipient", recipient);
            AddParameter(command, "$key", exceptActionKey);
            return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 1;
        }, cancellationToken);
    }

    private static List<ApprovalRecord> ReadApprovals(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var approvals = new List<ApprovalRecord>();
        while (reader.Read())
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
                SqliteTime.FromMicroseconds(reader.GetInt64(14)),
                SqliteTime.FromMicroseconds(reader.GetInt64(15)),
                SqliteTime.FromMicroseconds(reader.GetInt64(16)),
                ApprovalRules.Parse<ApprovalDefault>(reader.GetString(17)),
                reader.IsDBNull(18) ? null : reader.GetString(18),
                reader.IsDBNull(19) ? null : SqliteTime.FromMicroseconds(reader.GetInt64(19)),
                reader.IsDBNull(20) ? null : reader.GetString(20),
                reader.IsDBNull(21) ? null : reader.GetString(21),
                reader.IsDBNull(22) ? null : SqliteTime.FromMicroseconds(reader.GetInt64(22)),
                reader.GetInt64(23)));
        }

        return approvals;
    }

    private static List<PolicyDecisionRecord> ReadDecisions(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var decisions = new List<PolicyDecisionRecord>();
        while (reader.Read())
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
                SqliteTime.FromMicroseconds(reader.GetInt64(10)),
                reader.GetInt64(0)));
        }

        return decisions;
    }
}
