using System.Globalization;
using AiOs.Persistence.Approvals;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace AiOs.Workforce.Policies;

/// <summary>Reads a policy document (YAML, see the README's "Policies") into a <see cref="Policy"/>, or refuses it as a
/// whole with the first problem's line and reason. Strict: an unknown key, a wrong type or a duplicate rule name is an
/// error, so that a typo never silently turns a rule off.</summary>
public static class PolicyParser
{
    private static readonly string[] TopKeys = ["timeZone", "risk", "always", "approvals", "rules", "otherwise"];
    private static readonly string[] RuleKeys = ["name", "when", "then", "deadline", "grace", "default"];

    public static Policy Parse(string document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(document));
        }
        catch (YamlException ex)
        {
            throw new PolicyInvalidException((int)ex.Start.Line, $"not valid YAML: {Innermost(ex).Message}");
        }
        catch (InvalidOperationException ex)
        {
            // YamlDotNet's scanner fails this way on some truncated flow mappings; the position is lost with it.
            throw new PolicyInvalidException(LastLine(document), $"not valid YAML: the document ends inside an unclosed {{ }} or [ ] ({ex.Message})");
        }

        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new PolicyInvalidException(1, "the policy must be one YAML mapping with 'rules' (and optionally timeZone, risk, always, approvals, otherwise)");
        }

        foreach (var key in root.Children.Keys)
        {
            RequireKnown(key, TopKeys, "top-level key");
        }

        var timeZone = TimeZoneInfo.Utc;
        if (Find(root, "timeZone") is { } zoneNode)
        {
            var zone = Scalar(zoneNode, "timeZone");
            if (!TimeZoneInfo.TryFindSystemTimeZoneById(zone, out timeZone!))
            {
                throw new PolicyInvalidException(Line(zoneNode), $"unknown time zone '{zone}' (use an IANA name such as Europe/Berlin)");
            }
        }

        var risks = new List<(string, string)>();
        if (Find(root, "risk") is { } riskNode)
        {
            foreach (var (pattern, risk) in Mapping(riskNode, "risk").Children)
            {
                risks.Add((Scalar(pattern, "risk pattern"), Scalar(risk, "risk class")));
            }
        }

        IReadOnlyList<string> alwaysActions = ["payment.*", "contract.*"];
        decimal? alwaysAmount = 1000m;
        if (Find(root, "always") is { } alwaysNode)
        {
            var always = Mapping(alwaysNode, "always");
            foreach (var key in always.Children.Keys)
            {
                RequireKnown(key, ["actions", "amountOver"], "key of 'always'");
            }

            alwaysActions = Find(always, "actions") is { } actions ? Strings(actions, "always.actions") : [];
            alwaysAmount = Find(always, "amountOver") is { } amount ? Number(amount, "always.amountOver") : null;
        }

        var terms = new ApprovalTerms(TimeSpan.FromHours(24), TimeSpan.FromHours(4), ApprovalDefault.Hold);
        if (Find(root, "approvals") is { } approvalsNode)
        {
            var approvals = Mapping(approvalsNode, "approvals");
            foreach (var key in approvals.Children.Keys)
            {
                RequireKnown(key, ["deadline", "grace", "default"], "key of 'approvals'");
            }

            terms = Terms(approvals, terms);
        }

        var otherwise = Find(root, "otherwise") is { } otherwiseNode ? Verdict(otherwiseNode, "otherwise") : PolicyVerdict.NeedsApproval;
        var rulesNode = Find(root, "rules") ?? throw new PolicyInvalidException(Line(root), "the policy has no 'rules' list");
        if (rulesNode is not YamlSequenceNode ruleList)
        {
            throw new PolicyInvalidException(Line(rulesNode), "'rules' must be a list of rules");
        }

        var rules = new List<PolicyRule>();
        foreach (var ruleNode in ruleList.Children)
        {
            var rule = Rule(ruleNode, terms);
            if (rules.Any(r => r.Name == rule.Name))
            {
                throw new PolicyInvalidException(rule.Line, $"a second rule is named '{rule.Name}'; rule names must be unique");
            }

            rules.Add(rule);
        }

        return new Policy(rules, risks, alwaysActions, alwaysAmount, otherwise, terms, timeZone);
    }

    private static PolicyRule Rule(YamlNode node, ApprovalTerms defaults)
    {
        var rule = Mapping(node, "a rule");
        foreach (var key in rule.Children.Keys)
        {
            RequireKnown(key, RuleKeys, "key of a rule");
        }

        var nameNode = Find(rule, "name") ?? throw new PolicyInvalidException(Line(rule), "the rule has no 'name'");
        var name = Scalar(nameNode, "name");
        if (name.Length == 0 || name.Length > 100 || name.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            throw new PolicyInvalidException(Line(nameNode), $"rule name '{name}' must be 1-100 characters without spaces");
        }

        var thenNode = Find(rule, "then") ?? throw new PolicyInvalidException(Line(rule), $"rule '{name}' has no 'then' (auto, needs-approval or refused)");
        var outcome = Verdict(thenNode, "then");
        var conditions = new List<PolicyCondition>();
        if (Find(rule, "when") is { } whenNode)
        {
            foreach (var (key, value) in Mapping(whenNode, "when").Children)
            {
                conditions.Add(Condition(Scalar(key, "condition"), value, Line(key)));
            }
        }

        var hasTerms = Find(rule, "deadline") is not null || Find(rule, "grace") is not null || Find(rule, "default") is not null;
        return new PolicyRule(name, conditions, outcome, hasTerms ? Terms(rule, defaults) : null, Line(rule));
    }

    private static PolicyCondition Condition(string key, YamlNode value, int line)
    {
        var text = key + ": " + (value is YamlSequenceNode list ? "[" + string.Join(", ", list.Children.Select(c => c.ToString())) + "]" : value.ToString());
        switch (key)
        {
            case "action":
                var actions = Strings(value, key);
                return new(text, (f, _) => actions.Any(a => Glob.Matches(a, f.Action)));
            case "risk":
                var risks = Strings(value, key);
                return new(text, (_, risk) => risks.Contains(risk, StringComparer.Ordinal));
            case "customerTier":
                var tiers = Strings(value, key);
                return new(text, (f, _) => f.CustomerTier is { } tier && tiers.Contains(tier, StringComparer.OrdinalIgnoreCase));
            case "amountOver":
                var over = Number(value, key);
                return new(text, (f, _) => f.Amount > over);
            case "amountAtMost":
                var atMost = Number(value, key);
                return new(text, (f, _) => f.Amount is null || f.Amount <= atMost);
            case "newRecipient":
                var isNew = Bool(value, key);
                return new(text, (f, _) => f.Recipient is not null && f.NewRecipient == isNew);
            case "toCustomer":
                var toCustomer = Bool(value, key);
                return new(text, (f, _) => f.ToCustomer == toCustomer);
            case "confidenceBelow":
                var below = (double)Number(value, key);
                return new(text, (f, _) => f.Confidence < below);
            case "confidenceAtLeast":
                var atLeast = (double)Number(value, key);
                return new(text, (f, _) => f.Confidence >= atLeast);
            case "timeBetween":
            case "timeOutside":
                var (from, to) = Window(value, key);
                var inside = key == "timeBetween";
                return new(text, (f, _) => InWindow(f.At, from, to) == inside);
            default:
                throw new PolicyInvalidException(line, $"unknown condition '{key}' (known: action, risk, amountOver, amountAtMost, newRecipient, " +
                    "toCustomer, customerTier, confidenceBelow, confidenceAtLeast, timeBetween, timeOutside)");
        }
    }

    // Policy.Decide has converted the facts' time to the policy's zone.
    private static bool InWindow(DateTimeOffset at, TimeOnly from, TimeOnly to)
    {
        var time = TimeOnly.FromTimeSpan(at.TimeOfDay);
        return from <= to ? time >= from && time < to : time >= from || time < to;
    }

    private static (TimeOnly From, TimeOnly To) Window(YamlNode node, string key)
    {
        var text = Scalar(node, key);
        var parts = text.Split('-');
        if (parts.Length == 2
            && TimeOnly.TryParseExact(parts[0].Trim(), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from)
            && TimeOnly.TryParseExact(parts[1].Trim(), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var to))
        {
            return (from, to);
        }

        throw new PolicyInvalidException(Line(node), $"{key} must be a window such as \"08:00-18:00\", not '{text}'");
    }

    private static ApprovalTerms Terms(YamlMappingNode node, ApprovalTerms defaults)
    {
        var deadline = Find(node, "deadline") is { } d ? Duration(d, "deadline") : defaults.Deadline;
        var grace = Find(node, "grace") is { } g ? Duration(g, "grace") : defaults.Grace;
        var fallback = defaults.Default;
        if (Find(node, "default") is { } f)
        {
            fallback = Scalar(f, "default") switch
            {
                "hold" => ApprovalDefault.Hold,
                "reject" => ApprovalDefault.Reject,
                "approve" => ApprovalDefault.Approve,
                var other => throw new PolicyInvalidException(Line(f), $"default must be hold, reject or approve, not '{other}'"),
            };
        }

        return new ApprovalTerms(deadline, grace, fallback);
    }

    private static TimeSpan Duration(YamlNode node, string key)
    {
        var text = Scalar(node, key);
        if (text.Length >= 2 && int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0)
        {
            TimeSpan? value = text[^1] switch
            {
                's' => TimeSpan.FromSeconds(n),
                'm' => TimeSpan.FromMinutes(n),
                'h' => TimeSpan.FromHours(n),
                'd' => TimeSpan.FromDays(n),
                _ => null,
            };
            if (value is { } span)
            {
                return span;
            }
        }

        throw new PolicyInvalidException(Line(node), $"{key} must be a positive duration such as 30m, 4h or 2d, not '{text}'");
    }

    private static PolicyVerdict Verdict(YamlNode node, string key) => Scalar(node, key) switch
    {
        "auto" => PolicyVerdict.Auto,
        "needs-approval" => PolicyVerdict.NeedsApproval,
        "refused" => PolicyVerdict.Refused,
        var other => throw new PolicyInvalidException(Line(node), $"{key} must be auto, needs-approval or refused, not '{other}'"),
    };

    private static decimal Number(YamlNode node, string key) =>
        decimal.TryParse(Scalar(node, key), NumberStyles.Number, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new PolicyInvalidException(Line(node), $"{key} must be a number, not '{node}'");

    private static bool Bool(YamlNode node, string key) => Scalar(node, key) switch
    {
        "true" => true,
        "false" => false,
        var other => throw new PolicyInvalidException(Line(node), $"{key} must be true or false, not '{other}'"),
    };

    private static List<string> Strings(YamlNode node, string key) => node switch
    {
        YamlScalarNode => [Scalar(node, key)],
        YamlSequenceNode list when list.Children.Count > 0 => [.. list.Children.Select(c => Scalar(c, key))],
        _ => throw new PolicyInvalidException(Line(node), $"{key} must be a value or a non-empty list of values"),
    };

    private static string Scalar(YamlNode node, string key) => node is YamlScalarNode { Value: { } value }
        ? value
        : throw new PolicyInvalidException(Line(node), $"{key} must be a single value, not a list or mapping");

    private static YamlMappingNode Mapping(YamlNode node, string key) => node as YamlMappingNode
        ?? throw new PolicyInvalidException(Line(node), $"{key} must be a mapping (key: value lines)");

    private static YamlNode? Find(YamlMappingNode mapping, string key) =>
        mapping.Children.FirstOrDefault(c => c.Key is YamlScalarNode { Value: var k } && k == key).Value;

    private static void RequireKnown(YamlNode key, string[] known, string what)
    {
        var name = Scalar(key, what);
        if (!known.Contains(name, StringComparer.Ordinal))
        {
            throw new PolicyInvalidException(Line(key), $"unknown {what} '{name}' (known: {string.Join(", ", known)})");
        }
    }

    private static int Line(YamlNode node) => (int)node.Start.Line;

    private static int LastLine(string document) => Math.Max(1, document.TrimEnd().Split('\n').Length);

    private static Exception Innermost(Exception ex) => ex.InnerException is YamlException inner ? Innermost(inner) : ex;
}
