using AiOs.Persistence.Shared;
using AiOs.Persistence.Spend;

namespace AiOs.Persistence.PostgreSql;

// Forgetting a customer: the rows of the ledger, the approval queue and the spend tables that name them or carry what
// was written about them. Each erasure is one transaction, and a repeated one changes nothing.
public sealed partial class PostgreSqlStorageProvider
{
    private const string EraseLedgerSql = """
        UPDATE aios_action_ledger
        SET request = '{}', result = NULL, error = NULL, resolution = NULL, version = version + 1, updated_at = $2
        WHERE goal_id = $1 AND (request <> '{}' OR result IS NOT NULL OR error IS NOT NULL OR resolution IS NOT NULL)
        """;

    private const string EraseApprovalsSql = """
        UPDATE aios_approvals
        SET summary = '(erased)', payload = '{}', sources = '[]', decision_reason = NULL,
            final_payload = CASE WHEN final_payload IS NULL THEN NULL ELSE '{}' END, version = version + 1, updated_at = $2
        WHERE goal_id = $1 AND (summary <> '(erased)' OR payload <> '{}' OR sources::text <> '[]' OR decision_reason IS NOT NULL
            OR (final_payload IS NOT NULL AND final_payload <> '{}'))
        """;

    private const string EraseRecipientsSql = "UPDATE aios_policy_decisions SET recipient = NULL WHERE goal_id = $1 AND recipient IS NOT NULL";

    private const string EraseSpendCustomerSql = "UPDATE aios_spend SET customer_id = NULL WHERE customer_id = $1";

    private const string EraseReservationCustomerSql = "UPDATE aios_spend_reservations SET customer_id = NULL WHERE customer_id = $1";

    private const string DeleteCustomerTotalsSql = "DELETE FROM aios_spend_totals WHERE subject = $1 AND scope = $2";

    private const string DeleteCustomerBudgetSql = "DELETE FROM aios_budgets WHERE subject = $1 AND scope = $2";

    /// <inheritdoc />
    public Task<long> EraseGoalActionsAsync(string goalId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(goalId);
        return RunAsync<long>(
            async (connection, ct) => await ExecuteAsync(connection, EraseLedgerSql, ct, goalId, _time.GetUtcNow()).ConfigureAwait(false),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> EraseGoalApprovalsAsync(string goalId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(goalId);
        return RunAsync<long>(async (connection, ct) =>
        {
            var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                long changed = await ExecuteAsync(connection, EraseApprovalsSql, ct, goalId, _time.GetUtcNow()).ConfigureAwait(false);
                changed += await ExecuteAsync(connection, EraseRecipientsSql, ct, goalId).ConfigureAwait(false);
                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return changed;
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> EraseCustomerSpendAsync(string customerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        var scope = SpendRules.Stored(BudgetScope.Customer);
        return RunAsync<long>(async (connection, ct) =>
        {
            var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                long changed = await ExecuteAsync(connection, EraseSpendCustomerSql, ct, customerId).ConfigureAwait(false);
                changed += await ExecuteAsync(connection, EraseReservationCustomerSql, ct, customerId).ConfigureAwait(false);
                changed += await ExecuteAsync(connection, DeleteCustomerTotalsSql, ct, customerId, scope).ConfigureAwait(false);
                changed += await ExecuteAsync(connection, DeleteCustomerBudgetSql, ct, customerId, scope).ConfigureAwait(false);
                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return changed;
            }
        }, cancellationToken);
    }
}
