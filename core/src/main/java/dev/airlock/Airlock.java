package dev.airlock;

import dev.airlock.approval.ApprovalDecision;
import dev.airlock.approval.ApprovalMode;
import dev.airlock.approval.ApprovalRecord;
import dev.airlock.approval.ApprovalStatus;
import dev.airlock.approval.ApprovalStore;
import dev.airlock.approval.JdbcApprovalStore;
import dev.airlock.approval.Approver;
import dev.airlock.audit.AuditEvent;
import dev.airlock.audit.AuditException;
import dev.airlock.audit.AuditSink;
import dev.airlock.audit.CanonicalJson;
import dev.airlock.audit.JsonLinesAuditSink;
import dev.airlock.policy.EffectRules;
import dev.airlock.policy.Policy;
import dev.airlock.policy.PolicyContext;
import dev.airlock.policy.RowLimit;
import dev.airlock.policy.StagingFirst;
import dev.airlock.policy.Vote;
import dev.airlock.policy.Vote.Verdict;
import dev.airlock.sql.SqlAnalysis;
import dev.airlock.sql.SqlAnalyzer;
import dev.airlock.sql.SqlDialect;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chamber every tool call of an agent passes through: it is classified, checked against
 * policies, sent to a person when it must be, and recorded in the audit log.
 *
 * <pre>{@code
 * Airlock airlock = Airlock.builder()
 *     .environment(Environment.production("orders-db"))
 *     .environment(Environment.staging("orders-staging"))
 *     .tool("refund_order", Effect.WRITE, "orders-db")
 *     .approver(slackApprover)
 *     .auditLog(Path.of("airlock-audit.jsonl"))
 *     .build();
 *
 * Decision d = airlock.evaluate(call);                       // a preview; never throws for a refusal
 * String out = airlock.execute(call, () -> tool.run(call));  // throws ToolCallRefusedException
 * }</pre>
 *
 * <h2>The order of checks</h2>
 *
 * <ol>
 *   <li>The {@linkplain #killSwitch() kill switch}: engaged for all agents or for the call's agent,
 *       the call is denied before any other work ({@code KILL_SWITCH}).
 *   <li>The environment: a call naming an environment that was not declared is denied ({@code
 *       UNKNOWN_ENVIRONMENT}); one naming an environment its tool is not bound to, too ({@code
 *       ENVIRONMENT_MISMATCH}).
 *   <li>The effect: the tool's declared effect; a tool that declared none is {@link
 *       Effect#UNKNOWN}. For a {@linkplain Builder#sqlTool SQL tool}, the SQL it carries is
 *       analysed ({@link SqlAnalyzer}, in the dialect of the call's environment) and the more
 *       severe of the two effects counts; a SQL tool called without SQL is denied ({@code
 *       SQL_MISSING}). The analysis' reasons follow the policies' in the decision.
 *   <li>Every policy votes; the most restrictive vote wins ({@code DENY > NEEDS_APPROVAL > ALLOW})
 *       and every reason is kept, the deciding ones first. A policy that throws or returns {@code
 *       null} is a {@code DENY} ({@code POLICY_ERROR}). Unless the builder was given policies of
 *       these kinds of its own, {@link EffectRules#defaults()}, {@link RowLimit#defaults()} and
 *       {@link StagingFirst#defaults()} vote too: an Airlock never allows everything for want of
 *       rules.
 *   <li>What needs approval is a {@code DENY} when no approver is configured ({@code
 *       NO_APPROVER}).
 *   <li>The decision is written to the audit log before anything else happens; if it cannot be
 *       written, the call is denied ({@code AUDIT_UNAVAILABLE}).
 * </ol>
 *
 * <p>{@link #evaluate(ToolCall)} stops there: it is a pure preview that asks no person and spends
 * no budget. {@link #execute(ToolCall, ToolAction)} goes on: a call that needs a person uses the
 * grant of an earlier approval of the exact same call, or becomes an approval request (after the
 * agent's write budget); in the default {@linkplain ApprovalMode#ASYNC asynchronous mode} it is
 * refused at once naming that request, in {@linkplain ApprovalMode#SYNC synchronous mode} Airlock
 * waits for the answer. The tool runs only on an allow, and its outcome is recorded; every refusal
 * of the agent's doing counts towards its {@linkplain Builder#autoKill auto-kill}.
 *
 * <p>An {@code Airlock} is immutable once built and safe for concurrent use. Close it to release
 * an audit log it opened itself ({@link Builder#auditLog(Path)}).
 */
public final class Airlock implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Airlock.class);
  private static final String AIRLOCK = "airlock";
  private static final String KILL_SWITCH = "kill-switch";
  private static final String CUSTOM_POLICY = "custom-policy";
  /** Refusals that say nothing about the agent's behaviour, so the auto-kill does not count them. */
  private static final Set<ReasonCode> NOT_THE_AGENTS_DOING = Set.of(ReasonCode.KILL_SWITCH,
      ReasonCode.AUDIT_UNAVAILABLE, ReasonCode.APPROVAL_STORE_UNAVAILABLE,
      ReasonCode.APPROVAL_TIMEOUT, ReasonCode.APPROVER_ERROR, ReasonCode.NO_APPROVER,
      ReasonCode.NO_GRANT);

  private final Map<String, Environment> environments;
  private final Map<String, ToolSpec> tools;
  private final Map<SqlDialect, SqlAnalyzer> sqlAnalyzers;
  private final List<Policy> policies;
  private final Approver approver;
  private final AuditSink audit;
  private final boolean ownsAudit;
  private final boolean allowReadsWhenAuditFails;
  private final AuditedKillSwitch killSwitch;
  private final Clock clock;
  private final ApprovalStore store;
  private final ApprovalGate gate;
  private final StagingEvidence stagingEvidence;
  private final WriteBudget writeBudget;
  private final AutoKill autoKill;
  private final Map<String, ToolHandler> handlers = new ConcurrentHashMap<>();

  private Airlock(Builder b, AuditSink audit, boolean ownsAudit) {
    this.environments = Map.copyOf(b.environments);
    this.tools = Map.copyOf(b.tools);
    Map<SqlDialect, SqlAnalyzer> analyzers = new EnumMap<>(SqlDialect.class);
    analyzers.putAll(b.sqlAnalyzers);
    for (SqlDialect dialect : SqlDialect.values()) {
      analyzers.computeIfAbsent(dialect, SqlAnalyzer::of);
    }
    this.sqlAnalyzers = analyzers;
    List<Policy> all = new ArrayList<>();
    if (b.policies.stream().noneMatch(EffectRules.class::isInstance)) {
      all.add(EffectRules.defaults());
    }
    if (b.policies.stream().noneMatch(RowLimit.class::isInstance)) {
      all.add(RowLimit.defaults());
    }
    if (b.policies.stream().noneMatch(StagingFirst.class::isInstance)) {
      all.add(StagingFirst.defaults());
    }
    all.addAll(b.policies);
    this.policies = List.copyOf(all);
    this.approver = b.approver;
    this.audit = audit;
    this.ownsAudit = ownsAudit;
    this.allowReadsWhenAuditFails = b.allowReadsWhenAuditFails;
    this.clock = b.clock != null ? b.clock : Clock.systemUTC();
    this.store = b.store != null ? b.store : ApprovalStore.inMemory();
    // A store shared by instances shares its kill switch too, unless one was given.
    KillSwitch switchToUse = b.killSwitch != null ? b.killSwitch
        : store instanceof JdbcApprovalStore shared ? shared.killSwitch()
        : new InMemoryKillSwitch(clock);
    this.killSwitch = new AuditedKillSwitch(switchToUse, audit);
    this.gate = new ApprovalGate(this, approver, store,
        b.mode != null ? b.mode : ApprovalMode.ASYNC, clock,
        b.requestLifetime != null ? b.requestLifetime : Builder.DEFAULT_REQUEST_LIFETIME,
        b.grantLifetime != null ? b.grantLifetime : Builder.DEFAULT_GRANT_LIFETIME,
        b.approvalTimeout != null ? b.approvalTimeout : Builder.DEFAULT_APPROVAL_TIMEOUT);
    this.stagingEvidence = new StagingEvidence(environments.values(), store, clock, this);
    this.writeBudget = b.budgetWrites == 0 ? null
        : new WriteBudget(b.budgetWrites, b.budgetPeriod, clock);
    this.autoKill = b.autoKillCalls == 0 ? null : new AutoKill(b.autoKillCalls,
        b.autoKillPercent, b.autoKillWindow, clock, killSwitch);
  }

  /**
   * Starts building an Airlock.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Decides what would happen to a call, without running it: a pure preview that asks no person,
   * spends no budget and never throws for a refusal. The decision is recorded in the audit log.
   *
   * @param call the call
   * @return {@link Decision.Allow}, {@link Decision.Deny} or {@link Decision.NeedsApproval}
   * @throws NullPointerException if {@code call} is null
   */
  public Decision evaluate(ToolCall call) {
    Checks.notNull(call, "call");
    return recorded(call, decide(call, null).decision(), "evaluate");
  }

  /**
   * Like {@link #evaluate(ToolCall)}, and for SQL that writes, first estimates the rows it would
   * touch with {@code counter}, so that the row limits can judge them.
   *
   * @param call the call
   * @param counter estimates the rows of the call's SQL, e.g. inside a read-only transaction
   * @return {@link Decision.Allow}, {@link Decision.Deny} or {@link Decision.NeedsApproval}
   * @throws NullPointerException if an argument is null
   */
  public Decision evaluate(ToolCall call, RowCounter counter) {
    Checks.notNull(call, "call");
    Checks.notNull(counter, "counter");
    return recorded(call, decide(call, counter).decision(), "evaluate");
  }

  /**
   * Runs a tool call through the whole flow: decides, uses a person's earlier approval of this
   * exact call or asks for one (see {@link Builder#approvalMode}), runs {@code tool} only when the
   * call is allowed, and records each step. After an approval, the kill switch is read again: an
   * engagement during the wait still stops the call.
   *
   * @param call the call
   * @param tool the work behind the tool
   * @param <T> what the tool returns
   * @return what the tool returned
   * @throws NullPointerException if an argument is null
   * @throws ToolCallRefusedException if the call may not run; it carries the decision, and its
   *     {@link ToolCallRefusedException#modelMessage()} is the text to hand the model
   * @throws ToolExecutionException if the tool threw a checked exception (its cause); unchecked
   *     exceptions from the tool are rethrown as they are
   */
  public <T> T execute(ToolCall call, ToolAction<T> tool) {
    Checks.notNull(call, "call");
    Checks.notNull(tool, "tool");
    return execute(call, null, execution -> tool.run());
  }

  /**
   * Runs a tool call through the whole flow, like {@link #execute(ToolCall, ToolAction)}, for
   * work that must know what was allowed: for SQL that writes, {@code counter} first estimates
   * the rows it would touch (the row limits judge them), and {@code action} receives the
   * {@link Execution}, with the row ceiling it must hold the write to and a place to record what
   * it did. A {@link ToolCallRefusedException} that the action throws from {@link
   * Execution#refuse} is recorded as a refusal and rethrown.
   *
   * @param call the call
   * @param counter estimates the rows of the call's SQL, or null to estimate nothing
   * @param action the work behind the tool
   * @param <T> what the work returns
   * @return what the work returned
   * @throws NullPointerException if {@code call} or {@code action} is null
   * @throws ToolCallRefusedException if the call may not run, or the work refused it
   * @throws ToolExecutionException if the work threw a checked exception (its cause)
   */
  public <T> T execute(ToolCall call, RowCounter counter, GuardedAction<T> action) {
    Checks.notNull(call, "call");
    Checks.notNull(action, "action");
    Decided decided = decide(call, counter);
    Decision decision = recorded(call, decided.decision(), "execute");
    if (decision instanceof Decision.NeedsApproval pending) {
      decision = gate.pass(call, pending, decided);
      Reason stop = decision.isAllowed() ? killSwitchReason(call, decision.effect()) : null;
      if (stop != null) {
        decision = recorded(call, deny(decision, stop), "execute");
      }
    } else if (decision.isAllowed()) {
      decision = spendWriteBudget(call, decision);
    }
    if (!decision.isAllowed()) {
      if (decision instanceof Decision.Deny) {
        countRefusal(call.agent(), decision);
      }
      throw new ToolCallRefusedException(call.tool(), decision);
    }
    Execution execution = new Execution(call, decision, decided.analysis(), decided.rows());
    T result;
    try {
      result = run(call, execution, action);
    } catch (ToolCallRefusedException e) {
      countRefusal(call.agent(), e.decision());
      throw e;
    }
    if (autoKill != null) {
      autoKill.allowed(call.agent());
    }
    if (decided.analysis() != null) {
      stagingEvidence.record(call, environments.get(call.environment()), statementHash(call),
          execution);
    }
    return result;
  }

  /**
   * Records a person's decision on a pending approval request, made outside the approver that was
   * asked: on a web page, in a chat, from an operator's tool, on another instance after a restart.
   * An approval creates the single-use grant (15 minutes by default); the call runs when the agent
   * re-sends it exactly, or when the application calls {@link #resume(String)}. An approver whose
   * principal is the agent's is refused ({@code SELF_APPROVAL}, audited). A rejection counts as a
   * refusal of the agent (see {@link Builder#autoKill}).
   *
   * @param requestId the request, as the refusal named it
   * @param decision the person's decision; a lower row ceiling in it holds
   * @return the request as decided
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if there is no such request, or the decision is by the agent
   *     itself
   * @throws IllegalStateException if the request is no longer pending (decided, used or expired)
   * @throws dev.airlock.approval.ApprovalStoreException if the approval store cannot be reached
   */
  public ApprovalRecord decide(String requestId, ApprovalDecision decision) {
    Checks.notBlank(requestId, "requestId");
    Checks.notNull(decision, "decision");
    return gate.decide(requestId, decision, true);
  }

  /**
   * Returns the approval requests waiting for a person, oldest first; lapsed ones are marked
   * expired (and audited) first.
   *
   * @return the pending requests
   * @throws dev.airlock.approval.ApprovalStoreException if the approval store cannot be reached
   */
  public List<ApprovalRecord> pendingApprovals() {
    return gate.pending();
  }

  /**
   * Runs an approved call on the agent's behalf, from the approval store alone: the call as it was
   * recorded goes to the {@link ToolHandler} registered for its tool and environment, back through
   * {@link #execute}, which uses the grant once. Works after a restart, on any instance that shares
   * the store.
   *
   * @param requestId the approved request
   * @return what the tool returned
   * @throws NullPointerException if {@code requestId} is null
   * @throws IllegalArgumentException if there is no such request
   * @throws IllegalStateException if no handler is registered for the call's tool and environment
   * @throws ToolCallRefusedException if the request is not approved or its grant was used or
   *     expired ({@code NO_GRANT}), or the call is refused now (e.g. the kill switch)
   * @throws ToolExecutionException if the tool threw a checked exception
   * @throws dev.airlock.approval.ApprovalStoreException if the approval store cannot be reached
   */
  public Object resume(String requestId) {
    Checks.notBlank(requestId, "requestId");
    ApprovalRecord r = gate.find(requestId).orElseThrow(() -> new IllegalArgumentException(
        "there is no approval request " + requestId));
    ToolCall call = r.call();
    if (r.status() != ApprovalStatus.APPROVED) {
      Decision.Deny deny = new Decision.Deny(UUID.randomUUID().toString(), call.callId(),
          r.effect(), List.of(new Reason(ReasonCode.NO_GRANT, ApprovalGate.APPROVER, "request "
              + requestId + " is " + r.status() + "; only an approved request whose grant is"
              + " unused can be resumed")));
      throw new ToolCallRefusedException(call.tool(), recorded(call, deny, "resume"));
    }
    ToolHandler handler = handlers.get(handlerKey(call.tool(), call.environment()));
    if (handler == null) {
      throw new IllegalStateException("no handler is registered for tool '" + call.tool()
          + "' on '" + call.environment() + "': register one with registerHandler (a"
          + " GuardedDataSource registers its SQL tool), or let the agent send the call again");
    }
    try {
      return ApprovalGate.resuming(requestId, () -> handler.handle(call));
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new ToolExecutionException(call.tool(), e);
    }
  }

  /**
   * Registers how to run calls of a tool on an environment from their recorded form alone, for
   * {@link #resume(String)}. A later registration for the same tool and environment replaces the
   * earlier one.
   *
   * @param tool the tool's name
   * @param environment the environment's name
   * @param handler runs a recorded call through Airlock again
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if a name is blank
   */
  public void registerHandler(String tool, String environment, ToolHandler handler) {
    Checks.notBlank(tool, "tool");
    Checks.notBlank(environment, "environment");
    Checks.notNull(handler, "handler");
    handlers.put(handlerKey(tool, environment), handler);
  }

  /**
   * The hash that makes two SQL calls "the same statement" for staging-first: SHA-256 (lower-case
   * hex) over the canonical JSON of the exact text and its bind parameters.
   *
   * @param sql the exact text
   * @param parameters the bind parameters, in order (JSON-like values)
   * @return 64 hex digits
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if a parameter is not JSON-like
   */
  public static String statementSha256(String sql, List<?> parameters) {
    Map<String, Object> statement = new LinkedHashMap<>();
    statement.put("sql", Checks.notNull(sql, "sql"));
    statement.put("parameters", new ArrayList<>(Checks.notNull(parameters, "parameters")));
    return CanonicalJson.sha256(statement);
  }

  private static String handlerKey(String tool, String environment) {
    return tool + '\u0000' + environment;
  }

  /**
   * Refuses a call for a reason found before any policy voted, and records the refusal in the
   * audit log: for a data source that will not run what it was given, whatever the policies say
   * (transaction control, a write sent to a query tool, read credentials that can write). Asks no
   * person and spends no budget.
   *
   * @param call the call
   * @param effect the call's effect, as far as it is known
   * @param reason why it is refused
   * @return the refusal, to throw in a {@link ToolCallRefusedException} or show the model
   * @throws NullPointerException if an argument is null
   */
  public Decision.Deny refuse(ToolCall call, Effect effect, Reason reason) {
    Checks.notNull(call, "call");
    Checks.notNull(effect, "effect");
    Checks.notNull(reason, "reason");
    Decision.Deny deny = new Decision.Deny(
        UUID.randomUUID().toString(), call.callId(), effect, List.of(reason));
    Decision recorded = recorded(call, deny, "refuse");
    countRefusal(call.agent(), recorded);
    return (Decision.Deny) recorded;
  }

  /**
   * Writes an event of Airlock's own about the environments it guards to the audit log, such as
   * the findings of a credentials check.
   *
   * @param type the event's type, e.g. {@code "credentials"}
   * @param fields the event's fields, JSON-like values
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if a field is not JSON-like
   * @throws dev.airlock.audit.AuditException if the event could not be written
   */
  public void record(String type, Map<String, ?> fields) {
    Checks.notBlank(type, "type");
    audit.append(new AuditEvent(type, JsonValues.copyObject(fields, "fields")));
  }

  /**
   * Returns the declared environment of this name.
   *
   * @param name the environment's name
   * @return the environment, or empty if none of that name was declared
   * @throws NullPointerException if {@code name} is null
   */
  public Optional<Environment> environment(String name) {
    return Optional.ofNullable(environments.get(Checks.notNull(name, "name")));
  }

  /**
   * Returns the analyser this Airlock reads SQL of a dialect with.
   *
   * @param dialect the dialect
   * @return the analyser
   * @throws NullPointerException if {@code dialect} is null
   */
  public SqlAnalyzer sqlAnalyzer(SqlDialect dialect) {
    return sqlAnalyzers.get(Checks.notNull(dialect, "dialect"));
  }

  /**
   * Tells whether {@code tool} was registered as a {@linkplain Builder#sqlTool SQL tool} that
   * takes its SQL in {@code sqlArgument} and may be called on {@code environment}.
   *
   * @param tool the tool's name
   * @param sqlArgument the argument that should carry the SQL
   * @param environment the environment's name
   * @return whether such calls are analysed as SQL
   * @throws NullPointerException if an argument is null
   */
  public boolean isSqlTool(String tool, String sqlArgument, String environment) {
    ToolSpec spec = tools.get(Checks.notNull(tool, "tool"));
    return spec != null && spec.isSql() && spec.sqlArgument().equals(sqlArgument)
        && spec.isBoundTo(Checks.notNull(environment, "environment"));
  }

  /**
   * Returns the kill switch. Every change is recorded in the audit log after it takes effect; a
   * failing audit log never keeps it from taking effect.
   *
   * @return the kill switch
   */
  public KillSwitch killSwitch() {
    return killSwitch;
  }

  /**
   * Stops waiting for approvers, and closes the audit log if this Airlock opened it ({@link
   * Builder#auditLog(Path)}); a sink given with {@link Builder#auditSink(AuditSink)} stays open,
   * as its owner's. After closing, calls that need a person are denied ({@code APPROVER_ERROR}),
   * and with an audit log this Airlock opened, every call is ({@code AUDIT_UNAVAILABLE}).
   *
   * @throws dev.airlock.audit.AuditException if the audit log could not be closed cleanly
   */
  @Override
  public void close() {
    gate.close();
    if (ownsAudit) {
      audit.close();
    }
  }

  /** A decision with what it was made from, for the approval request and the execution. */
  record Decided(Decision decision, SqlAnalysis analysis, RowEstimate rows, StagingRun staging) {
    Decided(Decision decision) {
      this(decision, null, null, null);
    }
  }

  private Decided decide(ToolCall call, RowCounter counter) {
    String id = UUID.randomUUID().toString();
    ToolSpec spec = tools.get(call.tool());
    // A SQL tool's effect is known only once its SQL is analysed; until then it is UNKNOWN.
    Effect effect = spec != null && !spec.isSql() ? spec.effect() : Effect.UNKNOWN;

    Reason stop = killSwitchReason(call, effect);
    if (stop != null) {
      return new Decided(new Decision.Deny(id, call.callId(), effect, List.of(stop)));
    }
    Environment environment = environments.get(call.environment());
    if (environment == null) {
      return denied(id, call, effect, ReasonCode.UNKNOWN_ENVIRONMENT, AIRLOCK,
          "'" + call.tool() + "' on '" + call.environment() + "' is refused: that environment is"
              + " not declared in Airlock");
    }
    if (spec != null && !spec.isBoundTo(call.environment())) {
      return denied(id, call, effect, ReasonCode.ENVIRONMENT_MISMATCH, AIRLOCK,
          "'" + call.tool() + "' on '" + call.environment() + "' is refused: the tool is bound to "
              + spec.environments());
    }

    SqlAnalysis analysis = null;
    if (spec != null && spec.isSql()) {
      Object sql = call.arguments().get(spec.sqlArgument());
      if (!(sql instanceof String text)) {
        return denied(id, call, Effect.UNKNOWN, ReasonCode.SQL_MISSING, AIRLOCK,
            "'" + call.tool() + "' is a SQL tool, but its argument '" + spec.sqlArgument() + "' "
                + (sql == null ? "is missing" : "is not a string") + "; send the SQL text there");
      }
      Object parameters = call.arguments().get(ToolSpec.PARAMETERS_ARGUMENT);
      if (parameters != null && !(parameters instanceof List<?>)) {
        return denied(id, call, Effect.UNKNOWN, ReasonCode.PARAMETER_MISMATCH, AIRLOCK,
            "'" + call.tool() + "' is a SQL tool, and its argument '"
                + ToolSpec.PARAMETERS_ARGUMENT + "' must be a list of bind parameters");
      }
      analysis = analyze(environment, text,
          parameters == null ? List.of() : (List<?>) parameters);
      effect = Effect.mostSevere(spec.effect(), analysis.effect());
    }

    RowEstimate rows = null;
    if (counter != null && analysis != null && effect != Effect.READ) {
      rows = countRows(call, counter, analysis);
    }
    StagingRun staging = null;
    if (analysis != null && effect == Effect.DESTRUCTIVE
        && environment.tier() == Tier.PRODUCTION) {
      try {
        staging = stagingEvidence.newest(environment, statementHash(call));
      } catch (RuntimeException e) {
        log.warn("Staging runs could not be read ({}); denying call {}", e.getClass().getName(),
            call.callId());
        log.debug("Approval store failure", e);
        return denied(id, call, effect, ReasonCode.APPROVAL_STORE_UNAVAILABLE, AIRLOCK,
            what(call, effect) + " needs a staging run first, and the staging runs cannot be"
                + " read from the approval store");
      }
    }
    Decision decision = vote(id, call,
        new PolicyContext(environment, effect, analysis, rows, staging, clock.instant()));
    if (decision instanceof Decision.NeedsApproval && approver == null) {
      decision = deny(decision, new Reason(ReasonCode.NO_APPROVER, AIRLOCK,
          what(call, effect) + " needs a person's approval, and no approver is configured"));
    }
    log.debug("Decision {} for call {} ({} on {}): {}", id, call.callId(), call.tool(),
        call.environment(), AuditRecords.kind(decision));
    return new Decided(decision, analysis, rows, staging);
  }

  /** The SQL text a SQL tool's call carries, or null for other tools. */
  String sqlText(ToolCall call) {
    ToolSpec spec = tools.get(call.tool());
    return spec != null && spec.isSql()
        && call.arguments().get(spec.sqlArgument()) instanceof String text ? text : null;
  }

  /** "The same statement" of a SQL tool's call: {@link #statementSha256} of text and parameters. */
  private String statementHash(ToolCall call) {
    Object parameters = call.arguments().get(ToolSpec.PARAMETERS_ARGUMENT);
    return statementSha256(sqlText(call), parameters instanceof List<?> list ? list : List.of());
  }

  /** The SQL re-flowed for a person to read, every comment kept; null if it cannot be. */
  String formatSql(Environment environment, String sql) {
    try {
      return sqlAnalyzers.get(environment.dialect()).format(sql);
    } catch (RuntimeException e) {
      // The exact text is always shown; a copy for reading is a convenience.
      log.warn("SQL could not be formatted for the approval request ({})", e.getClass().getName());
      return null;
    }
  }

  /** Spends one write of the agent's budget for a write on production, or refuses the call. */
  Decision spendWriteBudget(ToolCall call, Decision decision) {
    Environment environment = environments.get(call.environment());
    if (writeBudget == null || decision.effect() == Effect.READ || environment == null
        || environment.tier() != Tier.PRODUCTION || writeBudget.spend(call.agent())) {
      return decision;
    }
    return recorded(call, deny(decision, new Reason(ReasonCode.WRITE_BUDGET_EXCEEDED, AIRLOCK,
        what(call, decision.effect()) + " is refused: agent '" + call.agent() + "' has used its"
            + " budget of " + writeBudget.describe() + "; wait, or ask a person why it writes so"
            + " much")), "execute");
  }

  /** Counts a refusal of the agent's own doing towards the auto-kill. */
  private void countRefusal(String agent, Decision decision) {
    ReasonCode code = decision.primaryReason().code();
    if (!NOT_THE_AGENTS_DOING.contains(code)) {
      countRefusal(agent);
    }
  }

  void countRefusal(String agent) {
    if (autoKill != null) {
      autoKill.refused(agent);
    }
  }

  /** Writes an event that must not stop anything: a failure is logged. */
  void audit(AuditEvent event) {
    try {
      audit.append(event);
    } catch (Throwable e) {
      rethrowIfFatal(e);
      log.warn("Audit event '{}' could not be written ({})", event.type(), e.getClass().getName());
    }
  }

  /** The counter's estimate; its failure is an estimate without figures, judged as unknown rows. */
  private static RowEstimate countRows(ToolCall call, RowCounter counter, SqlAnalysis analysis) {
    try {
      RowEstimate rows = counter.count(analysis);
      return rows != null ? rows : RowEstimate.unavailable("the row counter gave no estimate");
    } catch (Throwable e) {
      rethrowIfFatal(e);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      log.warn("Rows of call {} could not be estimated ({})", call.callId(),
          e.getClass().getName());
      log.debug("Row estimate failure", e);
      return RowEstimate.unavailable("counting them failed (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** The reason the kill switch stops this call, or {@code null} when it may proceed. */
  private Reason killSwitchReason(ToolCall call, Effect effect) {
    Optional<KillSwitch.Engagement> engagement;
    try {
      engagement = killSwitch.engagementFor(call.agent());
    } catch (Throwable e) {
      rethrowIfFatal(e);
      log.warn("Kill switch could not be read ({}); denying the call", e.getClass().getName());
      log.debug("Kill switch failure", e);
      engagement = null;
    }
    if (engagement == null) {
      return new Reason(ReasonCode.KILL_SWITCH, KILL_SWITCH, what(call, effect)
          + " is stopped: the kill switch could not be read, so no agent may proceed");
    }
    if (engagement.isEmpty()) {
      return null;
    }
    KillSwitch.Engagement e = engagement.get();
    String scope = e.isGlobal() ? "all agents" : "agent '" + call.agent() + "'";
    // Before any analysis, so the effect is only the tool's declared floor: not named.
    return new Reason(ReasonCode.KILL_SWITCH, KILL_SWITCH, "'" + call.tool() + "' on '"
        + call.environment() + "' is stopped: the kill switch is engaged for " + scope
        + " since " + e.at() + "; a person must release it");
  }

  private SqlAnalysis analyze(Environment environment, String sql, List<?> parameters) {
    SqlAnalyzer analyzer = sqlAnalyzers.get(environment.dialect());
    try {
      return analyzer.analyze(sql, parameters);
    } catch (RuntimeException | LinkageError e) {
      // The analyser fails closed by design; this is its own bug, and still must not let SQL pass.
      log.warn("SQL analysis failed ({}); treating the statement as UNKNOWN",
          e.getClass().getName());
      log.debug("SQL analysis failure", e);
      return new SqlAnalysis(environment.dialect(), List.of(), Effect.UNKNOWN,
          List.of(new Reason(ReasonCode.SQL_PARSE_ERROR, AIRLOCK,
              "the SQL could not be analysed (" + e.getClass().getSimpleName() + ")")));
    }
  }

  private Decision vote(String id, ToolCall call, PolicyContext context) {
    String what = what(call, context.effect());
    Map<Verdict, List<Reason>> byVerdict = new EnumMap<>(Verdict.class);
    Verdict strictest = Verdict.ABSTAIN;
    Long ceiling = null; // the lowest ceiling any vote set: every policy's bound holds
    for (Policy policy : policies) {
      String name = policyName(policy);
      Vote vote = castVote(policy, name, what, call, context);
      if (vote.verdict() == Verdict.ABSTAIN) {
        continue;
      }
      byVerdict.computeIfAbsent(vote.verdict(), v -> new ArrayList<>())
          .add(new Reason(vote.code(), name, vote.message()));
      if (vote.maxRows() != null) {
        ceiling = ceiling == null ? vote.maxRows() : Math.min(ceiling, vote.maxRows());
      }
      if (vote.verdict().isStricterThan(strictest)) {
        strictest = vote.verdict();
      }
    }
    if (strictest == Verdict.ABSTAIN) {
      return deny(id, call, context.effect(), ReasonCode.POLICY_ERROR, AIRLOCK,
          what + " could not be checked: no policy voted on it");
    }
    List<Reason> reasons = new ArrayList<>(byVerdict.get(strictest));
    for (Verdict verdict : List.of(Verdict.DENY, Verdict.NEEDS_APPROVAL, Verdict.ALLOW)) {
      if (verdict != strictest) {
        reasons.addAll(byVerdict.getOrDefault(verdict, List.of()));
      }
    }
    context.sql().ifPresent(sql -> reasons.addAll(sql.reasons()));
    return switch (strictest) {
      case ALLOW -> new Decision.Allow(id, call.callId(), context.effect(), reasons, ceiling);
      case NEEDS_APPROVAL ->
          new Decision.NeedsApproval(id, call.callId(), context.effect(), reasons, ceiling);
      default -> new Decision.Deny(id, call.callId(), context.effect(), reasons);
    };
  }

  private static Vote castVote(
      Policy policy, String name, String what, ToolCall call, PolicyContext context) {
    try {
      Vote vote = policy.vote(call, context);
      if (vote != null) {
        return vote;
      }
      log.warn("Policy '{}' returned null instead of a vote; denying the call", name);
      return Vote.deny(ReasonCode.POLICY_ERROR,
          what + " could not be checked: policy '" + name + "' gave no vote");
    } catch (Throwable e) {
      rethrowIfFatal(e);
      // The exception's message may quote the model's arguments: class name only above DEBUG.
      log.warn("Policy '{}' failed ({}); denying the call", name, e.getClass().getName());
      log.debug("Policy '{}' failure", name, e);
      return Vote.deny(ReasonCode.POLICY_ERROR, what + " could not be checked: policy '" + name
          + "' failed (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static String policyName(Policy policy) {
    try {
      String name = policy.name();
      return name == null || name.isBlank() ? CUSTOM_POLICY : name;
    } catch (Throwable e) {
      rethrowIfFatal(e);
      return CUSTOM_POLICY;
    }
  }

  Decision recorded(ToolCall call, Decision decision, String phase) {
    return appendOrDeny(AuditRecords.evaluation(phase, call, decision), call, decision);
  }

  /** Writes an event that must precede the next step; if it cannot be written, the call stops. */
  Decision appendOrDeny(AuditEvent event, ToolCall call, Decision decision) {
    try {
      audit.append(event);
      return decision;
    } catch (Throwable e) {
      rethrowIfFatal(e);
      if (allowReadsWhenAuditFails && e instanceof AuditException
          && decision.isAllowed() && decision.effect() == Effect.READ) {
        log.warn("Audit log unavailable ({}); letting read {} through as configured", e.toString(),
            decision.id());
        return decision;
      }
      log.warn("Audit log unavailable ({}); denying call {}", e.getClass().getName(),
          call.callId());
      log.debug("Audit failure", e);
      Reason unavailable = new Reason(ReasonCode.AUDIT_UNAVAILABLE, "audit",
          what(call, decision.effect()) + " cannot be recorded in the audit log, and nothing runs"
              + " that cannot be recorded");
      if (decision instanceof Decision.Deny) {
        // Already refused: keep the reason that refused it first.
        List<Reason> reasons = new ArrayList<>(decision.reasons());
        reasons.add(unavailable);
        return new Decision.Deny(decision.id(), call.callId(), decision.effect(), reasons);
      }
      return deny(decision, unavailable);
    }
  }

  private <T> T run(ToolCall call, Execution execution, GuardedAction<T> action) {
    long start = System.nanoTime();
    try {
      T result = action.run(execution);
      recordOutcome(call, execution, start, null);
      return result;
    } catch (RuntimeException | Error e) {
      recordOutcome(call, execution, start, e);
      throw e;
    } catch (Exception e) {
      recordOutcome(call, execution, start, e);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new ToolExecutionException(call.tool(), e);
    }
  }

  private void recordOutcome(ToolCall call, Execution execution, long start, Throwable error) {
    long micros = (System.nanoTime() - start) / 1_000;
    Decision decision = execution.decision();
    try {
      audit.append(AuditRecords.execution(call, decision, micros, error, execution.details()));
    } catch (Throwable e) {
      rethrowIfFatal(e);
      // The tool has already run: the outcome cannot be undone, only reported.
      log.warn("Outcome of call {} (decision {}) could not be written to the audit log ({})",
          call.callId(), decision.id(), e.getClass().getName());
    }
  }

  /** How Airlock's own reasons name a call: {@code WRITE call of 'refund_order' on 'prod'}. */
  static String what(ToolCall call, Effect effect) {
    return effect + " call of '" + call.tool() + "' on '" + call.environment() + "'";
  }

  private static Decided denied(String id, ToolCall call, Effect effect, ReasonCode code,
      String policy, String message) {
    return new Decided(deny(id, call, effect, code, policy, message));
  }

  private static Decision deny(String id, ToolCall call, Effect effect, ReasonCode code,
      String policy, String message) {
    return new Decision.Deny(id, call.callId(), effect, List.of(new Reason(code, policy, message)));
  }

  /** A refusal of the same call, with {@code first} as its deciding reason before the others. */
  static Decision deny(Decision decision, Reason first) {
    List<Reason> reasons = new ArrayList<>();
    reasons.add(first);
    reasons.addAll(decision.reasons());
    return new Decision.Deny(decision.id(), decision.callId(), decision.effect(), reasons);
  }

  /** Errors the JVM cannot go on after propagate; everything else becomes a refusal. */
  static void rethrowIfFatal(Throwable e) {
    if (e instanceof VirtualMachineError && !(e instanceof StackOverflowError)) {
      throw (VirtualMachineError) e;
    }
  }

  /**
   * Builds an {@link Airlock}. Each setting that takes an object may be set once (a second call
   * fails, quoting the first); environments, tools and policies are added one by one. {@link
   * #build()} copies the state, so a builder can be reused, except that an audit log named with
   * {@link #auditLog(Path)} is held by one open Airlock at a time. Not thread-safe.
   */
  public static final class Builder {
    private static final Duration DEFAULT_APPROVAL_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration DEFAULT_REQUEST_LIFETIME = Duration.ofHours(24);
    private static final Duration DEFAULT_GRANT_LIFETIME = Duration.ofMinutes(15);
    private static final Duration MIN_APPROVAL_TIMEOUT = Duration.ofMillis(1);
    // A synchronous wait longer than a day holds a thread for nothing; no person answers by then.
    private static final Duration MAX_APPROVAL_TIMEOUT = Duration.ofDays(1);

    private final Map<String, Environment> environments = new LinkedHashMap<>();
    private final Map<String, ToolSpec> tools = new LinkedHashMap<>();
    private final Map<SqlDialect, SqlAnalyzer> sqlAnalyzers = new EnumMap<>(SqlDialect.class);
    private final List<Policy> policies = new ArrayList<>();
    private Approver approver;
    private Duration approvalTimeout;
    private AuditSink auditSink;
    private Path auditLog;
    private KillSwitch killSwitch;
    private boolean allowReadsWhenAuditFails;
    private ApprovalStore store;
    private ApprovalMode mode;
    private Clock clock;
    private Duration requestLifetime;
    private Duration grantLifetime;
    private int budgetWrites = 10;
    private Duration budgetPeriod = Duration.ofMinutes(1);
    private boolean budgetSet;
    private int autoKillCalls = 10;
    private int autoKillPercent = 50;
    private Duration autoKillWindow = Duration.ofSeconds(60);
    private boolean autoKillSet;

    private Builder() {}

    /**
     * Declares an environment that calls may name.
     *
     * @param environment the environment
     * @return this builder
     * @throws NullPointerException if {@code environment} is null
     * @throws IllegalStateException if an environment of that name was already declared
     */
    public Builder environment(Environment environment) {
      Checks.notNull(environment, "environment");
      Environment earlier = environments.putIfAbsent(environment.name(), environment);
      if (earlier != null) {
        throw new IllegalStateException(
            "environment '" + environment.name() + "' was already declared as " + earlier);
      }
      return this;
    }

    /**
     * Registers a tool with the effect it declares and, optionally, the environments it is bound
     * to. A call of the tool on any other environment is denied ({@code ENVIRONMENT_MISMATCH}). A
     * tool that is never registered has the effect {@link Effect#UNKNOWN}.
     *
     * @param name the tool's name
     * @param effect what the tool does, e.g. {@link Effect#WRITE} for {@code refund_order}
     * @param environments the environments it is bound to; none means any declared environment
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a name is blank
     * @throws IllegalStateException if the tool was already registered
     */
    public Builder tool(String name, Effect effect, String... environments) {
      Checks.notBlank(name, "name");
      Checks.notNull(effect, "effect");
      return register(new ToolSpec(name, effect, environmentNames(environments), null));
    }

    /**
     * Registers a SQL tool: the argument {@code sqlArgument} of each call carries a SQL text, which
     * Airlock analyses in the dialect of the call's environment; its effect (READ for a plain
     * query, DESTRUCTIVE for a DELETE without WHERE, UNKNOWN for text it cannot understand…) is
     * what the policies judge. A call without a string in that argument is denied ({@code
     * SQL_MISSING}).
     *
     * <pre>{@code
     * Airlock.builder()
     *     .environment(Environment.production("orders-db"))
     *     .sqlTool("run_sql", "query", "orders-db")
     * }</pre>
     *
     * @param name the tool's name
     * @param sqlArgument the name of the argument that carries the SQL
     * @param environments the environments it is bound to; none means any declared environment
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a name is blank
     * @throws IllegalStateException if the tool was already registered
     */
    public Builder sqlTool(String name, String sqlArgument, String... environments) {
      Checks.notBlank(name, "name");
      Checks.notBlank(sqlArgument, "sqlArgument");
      return register(new ToolSpec(name, Effect.READ, environmentNames(environments), sqlArgument));
    }

    /**
     * Sets the analyser for the SQL of environments of its dialect, e.g. one with a team's own
     * functions ({@link dev.airlock.sql.FunctionCatalog}) or other limits; by default each dialect
     * gets {@link SqlAnalyzer#of(SqlDialect)}.
     *
     * @param analyzer the analyser
     * @return this builder
     * @throws NullPointerException if {@code analyzer} is null
     * @throws IllegalStateException if an analyser for that dialect was already set
     */
    public Builder sqlAnalyzer(SqlAnalyzer analyzer) {
      Checks.notNull(analyzer, "analyzer");
      SqlAnalyzer earlier = sqlAnalyzers.putIfAbsent(analyzer.dialect(), analyzer);
      if (earlier != null) {
        throw new IllegalStateException(
            "an analyser for " + analyzer.dialect() + " was already set: " + earlier);
      }
      return this;
    }

    private static Set<String> environmentNames(String... environments) {
      Checks.notNull(environments, "environments");
      for (String environment : environments) {
        Checks.notBlank(environment, "environment");
      }
      return new HashSet<>(Arrays.asList(environments));
    }

    private Builder register(ToolSpec spec) {
      String name = spec.name();
      ToolSpec earlier = tools.putIfAbsent(name, spec);
      if (earlier != null) {
        throw new IllegalStateException("tool '" + name + "' was already registered with effect "
            + earlier.effect() + " on " + earlier.environments());
      }
      return this;
    }

    /**
     * Adds a policy, which votes on every call. An {@link EffectRules} added here replaces the
     * default one.
     *
     * @param policy the policy
     * @return this builder
     * @throws NullPointerException if {@code policy} is null
     * @throws IllegalStateException if {@code policy} is a second {@link EffectRules}
     */
    public Builder policy(Policy policy) {
      Checks.notNull(policy, "policy");
      if (policy instanceof EffectRules) {
        for (Policy earlier : policies) {
          if (earlier instanceof EffectRules) {
            throw new IllegalStateException("effect rules were already added: " + earlier
                + "; combine the rules in one EffectRules.builder()");
          }
        }
      }
      policies.add(policy);
      return this;
    }

    /**
     * Adds a policy under a name, usually a lambda.
     *
     * @param name the name reasons and audit events show
     * @param policy the policy
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code name} is blank, or {@code policy} is an {@link
     *     EffectRules} (which keeps its own name; add it with {@link #policy(Policy)})
     */
    public Builder policy(String name, Policy policy) {
      if (policy instanceof EffectRules) {
        throw new IllegalArgumentException(
            "EffectRules keep their own name, so that they replace the defaults; add them with"
                + " policy(rules)");
      }
      return policy(Policy.named(name, policy));
    }

    /**
     * Sets the human gate for calls that need a person's approval. Without one, such calls are
     * denied ({@code NO_APPROVER}).
     *
     * @param approver the approver
     * @return this builder
     * @throws NullPointerException if {@code approver} is null
     * @throws IllegalStateException if an approver was already set
     */
    public Builder approver(Approver approver) {
      Checks.notNull(approver, "approver");
      if (this.approver != null) {
        throw new IllegalStateException("approver was already set to " + this.approver);
      }
      this.approver = approver;
      return this;
    }

    /**
     * Sets how long {@link Airlock#execute(ToolCall, ToolAction)} waits for a person's answer
     * before denying the call ({@code APPROVAL_TIMEOUT}); 5 minutes by default.
     *
     * @param timeout from 1 millisecond to 1 day
     * @return this builder
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is outside that range
     * @throws IllegalStateException if the timeout was already set
     */
    public Builder approvalTimeout(Duration timeout) {
      Checks.notNull(timeout, "timeout");
      if (timeout.compareTo(MIN_APPROVAL_TIMEOUT) < 0
          || timeout.compareTo(MAX_APPROVAL_TIMEOUT) > 0) {
        throw new IllegalArgumentException("timeout must be from " + MIN_APPROVAL_TIMEOUT + " to "
            + MAX_APPROVAL_TIMEOUT + ", but was " + timeout);
      }
      if (approvalTimeout != null) {
        throw new IllegalStateException("approvalTimeout was already set to " + approvalTimeout);
      }
      this.approvalTimeout = timeout;
      return this;
    }

    /**
     * Sets where approval requests, grants and staging runs are kept; in this process's memory by
     * default ({@link ApprovalStore#inMemory()}). A {@link dev.airlock.approval.JdbcApprovalStore}
     * shares them between instances and keeps them across restarts.
     *
     * @param store the store
     * @return this builder
     * @throws NullPointerException if {@code store} is null
     * @throws IllegalStateException if a store was already set
     */
    public Builder approvalStore(ApprovalStore store) {
      Checks.notNull(store, "store");
      if (this.store != null) {
        throw new IllegalStateException("approvalStore was already set to " + this.store);
      }
      this.store = store;
      return this;
    }

    /**
     * Sets how {@code execute} treats a call that needs a person: {@link ApprovalMode#ASYNC} (the
     * default) refuses at once naming the request, and the call runs once when re-sent after the
     * approval; {@link ApprovalMode#SYNC} waits up to the {@linkplain #approvalTimeout approval
     * timeout}.
     *
     * @param mode the mode
     * @return this builder
     * @throws NullPointerException if {@code mode} is null
     * @throws IllegalStateException if the mode was already set
     */
    public Builder approvalMode(ApprovalMode mode) {
      Checks.notNull(mode, "mode");
      if (this.mode != null) {
        throw new IllegalStateException("approvalMode was already set to " + this.mode);
      }
      this.mode = mode;
      return this;
    }

    /**
     * Sets how long an approval request waits for a person before it lapses (24 hours by default;
     * in synchronous mode the approval timeout), and how long a grant stays usable once approved
     * (15 minutes by default).
     *
     * @param request from 1 second to 30 days
     * @param grant from 1 second to 1 day
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a duration is outside its range
     * @throws IllegalStateException if the lifetimes were already set
     */
    public Builder approvalLifetimes(Duration request, Duration grant) {
      checkRange(request, "request", Duration.ofSeconds(1), Duration.ofDays(30));
      checkRange(grant, "grant", Duration.ofSeconds(1), Duration.ofDays(1));
      if (requestLifetime != null) {
        throw new IllegalStateException("approvalLifetimes were already set to " + requestLifetime
            + " and " + grantLifetime);
      }
      this.requestLifetime = request;
      this.grantLifetime = grant;
      return this;
    }

    /**
     * Sets the clock that approvals, grants, staging windows, the write budget and the auto-kill
     * read; the system clock in UTC by default. For tests, a clock that moves when told to.
     *
     * @param clock the clock
     * @return this builder
     * @throws NullPointerException if {@code clock} is null
     * @throws IllegalStateException if a clock was already set
     */
    public Builder clock(Clock clock) {
      Checks.notNull(clock, "clock");
      if (this.clock != null) {
        throw new IllegalStateException("clock was already set to " + this.clock);
      }
      this.clock = clock;
      return this;
    }

    /**
     * Sets each agent's budget of writes on production environments (calls whose effect is not
     * READ, counted once when they are allowed or first sent to a person; using a grant spends
     * nothing): 10 per minute by default. A call beyond it is refused ({@code
     * WRITE_BUDGET_EXCEEDED}). Kept per JVM: each instance has budgets of its own.
     *
     * @param writes how many, from 1 to 1,000,000
     * @param period the period they refill in, from 1 second to 1 day
     * @return this builder
     * @throws NullPointerException if {@code period} is null
     * @throws IllegalArgumentException if an argument is outside its range
     * @throws IllegalStateException if the budget was already set
     */
    public Builder writeBudget(int writes, Duration period) {
      checkRange(period, "period", Duration.ofSeconds(1), Duration.ofDays(1));
      if (writes < 1 || writes > 1_000_000) {
        throw new IllegalArgumentException("writes must be from 1 to 1,000,000, but was "
            + writes + "; to switch the budget off, call noWriteBudget()");
      }
      checkBudgetUnset();
      this.budgetWrites = writes;
      this.budgetPeriod = period;
      return this;
    }

    /**
     * Switches the write budget off.
     *
     * @return this builder
     * @throws IllegalStateException if the budget was already set
     */
    public Builder noWriteBudget() {
      checkBudgetUnset();
      this.budgetWrites = 0;
      return this;
    }

    /**
     * Sets when an agent is stopped for being refused again and again: when at least {@code
     * minimumCalls} of its calls were decided within {@code window} and {@code refusalPercent}
     * percent or more of them were refused, the kill switch is engaged for that agent ({@code
     * AUTO_KILL}) until a person releases it. By default 50 % of at least 10 calls within 60
     * seconds. Refusals that are not the agent's doing (kill switch, audit log or approval store
     * unavailable, approver timeout or failure, no approver, no grant to resume) do not count; a
     * call waiting for a person counts when it is answered. Kept per JVM (a Resilience4j circuit
     * breaker per agent).
     *
     * @param minimumCalls from 1 to 10,000
     * @param refusalPercent from 1 to 100
     * @param window from 1 second to 1 hour
     * @return this builder
     * @throws NullPointerException if {@code window} is null
     * @throws IllegalArgumentException if an argument is outside its range
     * @throws IllegalStateException if the auto-kill was already set
     */
    public Builder autoKill(int minimumCalls, int refusalPercent, Duration window) {
      checkRange(window, "window", Duration.ofSeconds(1), Duration.ofHours(1));
      if (minimumCalls < 1 || minimumCalls > 10_000) {
        throw new IllegalArgumentException("minimumCalls must be from 1 to 10,000, but was "
            + minimumCalls);
      }
      if (refusalPercent < 1 || refusalPercent > 100) {
        throw new IllegalArgumentException("refusalPercent must be from 1 to 100, but was "
            + refusalPercent);
      }
      checkAutoKillUnset();
      this.autoKillCalls = minimumCalls;
      this.autoKillPercent = refusalPercent;
      this.autoKillWindow = window;
      return this;
    }

    /**
     * Switches the auto-kill off: no agent is stopped for its refusals.
     *
     * @return this builder
     * @throws IllegalStateException if the auto-kill was already set
     */
    public Builder noAutoKill() {
      checkAutoKillUnset();
      this.autoKillCalls = 0;
      return this;
    }

    private void checkBudgetUnset() {
      if (budgetSet) {
        throw new IllegalStateException("the write budget was already set");
      }
      budgetSet = true;
    }

    private void checkAutoKillUnset() {
      if (autoKillSet) {
        throw new IllegalStateException("the auto-kill was already set");
      }
      autoKillSet = true;
    }

    private static void checkRange(Duration value, String name, Duration min, Duration max) {
      Checks.notNull(value, name);
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new IllegalArgumentException(name + " must be from " + min + " to " + max
            + ", but was " + value);
      }
    }

    /**
     * Records every step in a hash-chained JSON Lines file, opened by {@link #build()} and closed
     * by {@link Airlock#close()}. Either this or {@link #auditSink(AuditSink)} is required.
     *
     * @param file the log file; created if missing, continued if it exists
     * @return this builder
     * @throws NullPointerException if {@code file} is null
     * @throws IllegalStateException if an audit log or sink was already set
     */
    public Builder auditLog(Path file) {
      Checks.notNull(file, "file");
      checkNoAudit();
      this.auditLog = file;
      return this;
    }

    /**
     * Records every step in the given sink, which the caller owns and closes. Either this or
     * {@link #auditLog(Path)} is required.
     *
     * @param sink the sink
     * @return this builder
     * @throws NullPointerException if {@code sink} is null
     * @throws IllegalStateException if an audit log or sink was already set
     */
    public Builder auditSink(AuditSink sink) {
      Checks.notNull(sink, "sink");
      checkNoAudit();
      this.auditSink = sink;
      return this;
    }

    /**
     * Lets calls that are allowed and only read run while the audit log cannot be written
     * (logged at WARN); off by default, when such calls are denied like every other.
     *
     * @param allow whether reads may run unrecorded
     * @return this builder
     */
    public Builder allowReadsWhenAuditFails(boolean allow) {
      this.allowReadsWhenAuditFails = allow;
      return this;
    }

    /**
     * Replaces the in-memory kill switch, e.g. with one shared by every instance through a
     * database. With a {@link JdbcApprovalStore} and no switch of its own, an Airlock uses the
     * store's ({@link JdbcApprovalStore#killSwitch()}).
     *
     * @param killSwitch the switch
     * @return this builder
     * @throws NullPointerException if {@code killSwitch} is null
     * @throws IllegalStateException if a kill switch was already set
     */
    public Builder killSwitch(KillSwitch killSwitch) {
      Checks.notNull(killSwitch, "killSwitch");
      if (this.killSwitch != null) {
        throw new IllegalStateException("killSwitch was already set to " + this.killSwitch);
      }
      this.killSwitch = killSwitch;
      return this;
    }

    /**
     * Builds the Airlock, opening the audit log if one was named.
     *
     * @return the Airlock
     * @throws IllegalStateException if no environment or no audit log was set, or a tool is bound
     *     to an environment that was not declared
     * @throws dev.airlock.audit.AuditException if the audit log cannot be opened
     */
    public Airlock build() {
      if (environments.isEmpty()) {
        throw new IllegalStateException(
            "no environment declared: add one with environment(Environment.production(\"…\"))");
      }
      for (Environment environment : environments.values()) {
        String copied = environment.mirrors();
        if (copied == null) {
          continue;
        }
        Environment production = environments.get(copied);
        if (production == null || production.tier() != Tier.PRODUCTION) {
          throw new IllegalStateException("environment '" + environment.name() + "' copies '"
              + copied + "', which is " + (production == null ? "not declared" : "a "
              + production.tier() + " environment") + "; it must name a declared production"
              + " environment");
        }
        if (production.dialect() != environment.dialect()) {
          throw new IllegalStateException("environment '" + environment.name() + "' is "
              + environment.dialect() + " but copies '" + copied + "', which is "
              + production.dialect());
        }
      }
      for (ToolSpec spec : tools.values()) {
        for (String environment : spec.environments()) {
          if (!environments.containsKey(environment)) {
            throw new IllegalStateException("tool '" + spec.name() + "' is bound to environment '"
                + environment + "', which is not declared; declared: " + environments.keySet());
          }
        }
      }
      if (auditSink == null && auditLog == null) {
        throw new IllegalStateException("no audit log: call auditLog(Path) or auditSink(AuditSink);"
            + " Airlock records every call it lets through");
      }
      return auditSink != null
          ? new Airlock(this, auditSink, false)
          : new Airlock(this, JsonLinesAuditSink.builder(auditLog).build(), true);
    }

    private void checkNoAudit() {
      if (auditSink != null || auditLog != null) {
        throw new IllegalStateException("the audit log was already set to "
            + (auditSink != null ? auditSink : auditLog));
      }
    }
  }
}
