using System.Text;
using System.Text.Json.Nodes;
using AiOs.Connectors.Calendar;
using AiOs.Connectors.Tests.Infrastructure;
using AiOs.Persistence.Ledger;
using AiOs.Workforce.Actions;

namespace AiOs.Connectors.Tests.Calendar;

/// <summary>The calendar connector and its feed: events made by <c>calendar.event</c> actions through the ledger appear in
/// the ICS feed exactly once, with UIDs from their ledger keys, and the feed is well-formed RFC 5545 (checked here by a
/// small independent reader: CRLF lines of at most 75 octets, unfolding, nesting, required properties, TEXT escaping).</summary>
[Trait("Category", "Integration")]
public sealed class CalendarFeedTests(LedgerFixture ledger) : IClassFixture<LedgerFixture>
{
    [Fact]
    public async Task EventsFromActions_AppearOnceInAWellFormedFeed()
    {
        var options = new CalendarOptions { FeedToken = new string('t', 24), CalendarName = "Acme, Inc; ops" };
        var runner = new ActionRunner(ledger.Ledger, [new CalendarConnector(options, new RecordingLogger<CalendarConnector>())]);
        var summary = "Kick-off with Zoë; agenda, budget \\ timeline – " + new string('é', 60);
        var first = LedgerFixture.Intent("calendar.event", new JsonObject
        {
            ["summary"] = summary, ["start"] = "2026-03-02T09:00:00+01:00", ["durationMinutes"] = 45, ["description"] = "Line one\nLine two", ["location"] = "Berlin",
        }.ToJsonString());
        // As a role sends it: the model's answer (the event as JSON) in "text".
        var second = LedgerFixture.Intent("calendar.event", new JsonObject
        {
            ["goal"] = "g", ["text"] = """{"title":"Follow-up call","start":"2026-03-05T15:00:00Z"}""",
        }.ToJsonString());

        foreach (var intent in new[] { first, second, first })
        {
            Assert.Equal(ActionStatus.Succeeded, (await runner.RunAsync(intent, false, LedgerFixture.Writer, CancellationToken.None)).Status);
        }

        var ics = await new CalendarFeed(ledger.Ledger, options).RenderAsync(CancellationToken.None);

        var calendar = Ics.Parse(ics);
        Assert.Equal(("2.0", "Acme, Inc; ops"), (calendar.Properties["VERSION"], calendar.Properties["X-WR-CALNAME"]));
        Assert.True(calendar.Properties.ContainsKey("PRODID"));
        var events = calendar.Children.Where(c => c.Name == "VEVENT").ToList();
        var kickOff = Assert.Single(events, e => e.Properties["UID"] == $"{first.Key}@aios");
        Assert.Equal((summary, "Line one\nLine two", "Berlin"), (kickOff.Properties["SUMMARY"], kickOff.Properties["DESCRIPTION"], kickOff.Properties["LOCATION"]));
        Assert.Equal(("20260302T080000Z", "20260302T084500Z"), (kickOff.Properties["DTSTART"], kickOff.Properties["DTEND"]));
        var followUp = Assert.Single(events, e => e.Properties["UID"] == $"{second.Key}@aios");
        Assert.Equal(("Follow-up call", "20260305T150000Z", "20260305T153000Z"), (followUp.Properties["SUMMARY"], followUp.Properties["DTSTART"], followUp.Properties["DTEND"]));
        Assert.All(events, e => Assert.True(e.Properties.ContainsKey("DTSTAMP")));
    }

    [Fact]
    public async Task EventWithoutAStart_IsRefused_NamingTheField()
    {
        var connector = new CalendarConnector(new CalendarOptions { FeedToken = new string('t', 24) }, new RecordingLogger<CalendarConnector>());

        var result = await connector.SendAsync("calendar.event", """{"summary":"call"}""", "act-1", CancellationToken.None);

        Assert.Equal(ConnectorOutcome.Refused, result.Outcome);
        Assert.Contains("'start' is required", result.Error, StringComparison.Ordinal);
    }

    /// <summary>A strict reader of the parts of RFC 5545 the feed uses.</summary>
    private sealed record Ics(string Name, Dictionary<string, string> Properties, List<Ics> Children)
    {
        public static Ics Parse(string text)
        {
            Assert.EndsWith("\r\n", text, StringComparison.Ordinal);
            var physical = text[..^2].Split("\r\n");
            Assert.All(physical, l => Assert.True(Encoding.UTF8.GetByteCount(l) <= 75, $"line longer than 75 octets: {l}"));
            Assert.DoesNotContain(physical, l => l.Contains('\n', StringComparison.Ordinal) || l.Contains('\r', StringComparison.Ordinal));
            var lines = new List<string>();
            foreach (var line in physical)
            {
                if (line.StartsWith(' '))
                {
                    lines[^1] += line[1..];
                }
                else
                {
                    lines.Add(line);
                }
            }

            var stack = new Stack<Ics>();
            Ics? root = null;
            foreach (var line in lines)
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                Assert.True(colon > 0, $"not a content line: {line}");
                var (name, value) = (line[..colon], line[(colon + 1)..]);
                if (name == "BEGIN")
                {
                    var component = new Ics(value, [], []);
                    if (stack.Count > 0)
                    {
                        stack.Peek().Children.Add(component);
                    }

                    root ??= component;
                    stack.Push(component);
                }
                else if (name == "END")
                {
                    Assert.Equal(stack.Pop().Name, value);
                }
                else
                {
                    stack.Peek().Properties[name] = Unescape(value);
                }
            }

            Assert.Empty(stack);
            Assert.Equal("VCALENDAR", root!.Name);
            return root;
        }

        private static string Unescape(string value)
        {
            var result = new StringBuilder();
            for (var i = 0; i < value.Length; i++)
            {
                if (value[i] == '\\')
                {
                    i++;
                    result.Append(value[i] is 'n' or 'N' ? '\n' : value[i]);
                }
                else
                {
                    Assert.False(value[i] is ';' or ',', $"unescaped '{value[i]}' in a TEXT value: {value}");
                    result.Append(value[i]);
                }
            }

            return result.ToString();
        }
    }
}
