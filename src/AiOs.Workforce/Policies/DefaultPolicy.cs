namespace AiOs.Workforce.Policies;

/// <summary>The policy in force until the operator sets one (the README shows it as the example).</summary>
public static class DefaultPolicy
{
    public const string Document = """
        # Which side effects happen by themselves, which wait for the operator, and which never happen.
        # Rules are checked top to bottom; the first whose every condition holds decides.
        timeZone: UTC
        risk:                      # risk class per action kind; "*" matches any suffix; unlisted kinds are medium
          note.*: low
          payment.*: high
          contract.*: high
        always:                    # never automatic, whatever the rules say
          actions: [payment.*, contract.*]
          amountOver: 1000
        approvals:                 # how long an approval waits, then what happens
          deadline: 24h            # then an escalation notice goes out
          grace: 4h                # then the default action is taken
          default: hold            # hold | reject | approve (approve only ever for low-risk kinds)
        rules:
          - name: internal-notes
            when: { action: note.* }
            then: auto
          - name: customer-emails
            when: { action: email.*, toCustomer: true }
            then: needs-approval
          - name: payments-and-contracts
            when: { risk: high }
            then: needs-approval
        otherwise: auto            # webhooks, emails to non-customers, ...: the floor above still applies
        """;
}
