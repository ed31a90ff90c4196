namespace TokenValidation.Testing;

/// <summary>
/// A <see cref="TimeProvider"/> whose time moves only when told (Microsoft.Extensions.TimeProvider.Testing is not
/// available here). Timers created through it (including <c>Task.Delay(d, provider)</c> and
/// <c>new CancellationTokenSource(d, provider)</c>) fire during <see cref="Advance"/> / <see cref="SetUtcNow"/>, on
/// the calling thread, in due-time order, with the clock set to each timer's due time while its callback runs.
/// A timer created or changed with a zero due time fires at once on the thread pool, as a real one does.
/// </summary>
public class FakeTimeProvider : TimeProvider
{
    private readonly object _lock = new();
    private readonly List<FakeTimer> _timers = [];
    private DateTimeOffset _now;
    private TimeZoneInfo _localTimeZone = TimeZoneInfo.Utc;
    private long _sequence;

    /// <summary>Starts at 2000-01-01T00:00:00Z.</summary>
    public FakeTimeProvider()
        : this(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>Starts at <paramref name="startDateTime"/>.</summary>
    /// <param name="startDateTime">The initial time.</param>
    public FakeTimeProvider(DateTimeOffset startDateTime)
    {
        _now = startDateTime.ToUniversalTime();
        Start = _now;
    }

    /// <summary>The initial time.</summary>
    public DateTimeOffset Start { get; }

    /// <summary>Timers created through this provider that are scheduled to fire.</summary>
    public int ActiveTimerCount
    {
        get
        {
            lock (_lock)
            {
                return _timers.Count(t => t.DueAt is not null);
            }
        }
    }

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => Volatile.Read(ref _localTimeZone);

    /// <summary>Ticks: one tick is 100 ns, like <see cref="DateTimeOffset.Ticks"/>.</summary>
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    /// <summary>The current fake time in ticks, so that <c>GetElapsedTime</c> follows <see cref="Advance"/>.</summary>
    /// <returns>Ticks.</returns>
    public override long GetTimestamp()
    {
        lock (_lock)
        {
            return _now.UtcTicks;
        }
    }

    /// <summary>Sets the local time zone.</summary>
    /// <param name="localTimeZone">The zone.</param>
    public void SetLocalTimeZone(TimeZoneInfo localTimeZone)
    {
        ArgumentNullException.ThrowIfNull(localTimeZone);
        Volatile.Write(ref _localTimeZone, localTimeZone);
    }

    /// <summary>Moves time to <paramref name="value"/>, firing timers due on the way.</summary>
    /// <param name="value">The new time; not earlier than now.</param>
    /// <exception cref="ArgumentOutOfRangeException">Time would go backwards.</exception>
    public void SetUtcNow(DateTimeOffset value)
    {
        DateTimeOffset now;
        lock (_lock)
        {
            now = _now;
        }

        if (value < now)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"Cannot go back in time (now {now:O}).");
        }

        AdvanceTo(value.ToUniversalTime());
    }

    /// <summary>Moves time forward by <paramref name="delta"/>, firing timers due on the way.</summary>
    /// <param name="delta">How far; not negative.</param>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_lock)
        {
            target = _now + delta;
        }

        AdvanceTo(target);
    }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new FakeTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <inheritdoc />
    public override string ToString() => GetUtcNow().ToString("O", global::System.Globalization.CultureInfo.InvariantCulture);

    private void AdvanceTo(DateTimeOffset target)
    {
        while (true)
        {
            FakeTimer? due = null;
            lock (_lock)
            {
                foreach (var timer in _timers)
                {
                    if (timer.DueAt is { } at && at <= target &&
                        (due is null || at < due.DueAt || (at == due.DueAt && timer.Sequence < due.Sequence)))
                    {
                        due = timer;
                    }
                }

                if (due is null)
                {
                    if (target > _now)
                    {
                        _now = target;
                    }

                    return;
                }

                if (due.DueAt > _now)
                {
                    _now = due.DueAt.Value;
                }

                if (due.Period > TimeSpan.Zero)
                {
                    due.DueAt = _now + due.Period;
                }
                else
                {
                    due.DueAt = null;
                    _timers.Remove(due);
                }
            }

            due.Callback(due.State);
        }
    }

    private bool Schedule(FakeTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        Validate(dueTime, nameof(dueTime));
        Validate(period, nameof(period));
        var fireNow = false;
        lock (_lock)
        {
            if (timer.Disposed)
            {
                return false;
            }

            timer.Period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
            timer.Sequence = ++_sequence;
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                timer.DueAt = null;
                _timers.Remove(timer);
            }
            else if (dueTime == TimeSpan.Zero)
            {
                fireNow = true;
                if (timer.Period > TimeSpan.Zero)
                {
                    timer.DueAt = _now + timer.Period;
                    if (!_timers.Contains(timer))
                    {
                        _timers.Add(timer);
                    }
                }
                else
                {
                    timer.DueAt = null;
                    _timers.Remove(timer);
                }
            }
            else
            {
                timer.DueAt = _now + dueTime;
                if (!_timers.Contains(timer))
                {
                    _timers.Add(timer);
                }
            }
        }

        if (fireNow)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static t => t.Callback(t.State), timer, preferLocal: false);
        }

        return true;
    }

    private void Remove(FakeTimer timer)
    {
        lock (_lock)
        {
            timer.Disposed = true;
            timer.DueAt = null;
            _timers.Remove(timer);
        }
    }

    private static void Validate(TimeSpan value, string name)
    {
        if (value < TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be non-negative or Timeout.InfiniteTimeSpan.");
        }
    }

    private sealed class FakeTimer(FakeTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public TimerCallback Callback { get; } = callback;

        public object? State { get; } = state;

        // Guarded by owner._lock.
        public DateTimeOffset? DueAt { get; set; }

        public TimeSpan Period { get; set; }

        public long Sequence { get; set; }

        public bool Disposed { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period) => owner.Schedule(this, dueTime, period);

        public void Dispose() => owner.Remove(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
