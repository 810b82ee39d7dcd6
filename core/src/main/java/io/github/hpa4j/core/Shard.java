package io.github.hpa4j.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One HPA shard: a port of jemalloc's {@code hpa_shard_t} and the policy of {@code src/hpa.c}.
 * It allocates page-granular extents from its slabs, frees them, and decides when to purge dirty
 * pages and when to hugify dense slabs.
 *
 * <p>Single-threaded. hpa.c guards a shard with {@code mtx} and drops it around OS calls; here the
 * owner (the shard actor, or one lock in the baseline) serialises every call, and the points where
 * hpa.c unlocks become {@link DeferredJob}s: {@link #beginPurge()} / {@link #beginHugify()} do
 * what hpa.c does before the unlock, a {@link JobExecutor} makes the OS calls elsewhere, and
 * {@link #finish} / {@link #abort} do what it does after the relock. Built without an executor,
 * the shard runs each job inline, which is hpa.c's behaviour exactly. {@code grow_mtx} becomes the
 * caller's business: {@link #allocNoGrow} never grows, and {@link #addSlab} takes a slab the
 * caller obtained from eden.
 */
public final class Shard {
    /** hpa.c's bound on the operations one alloc or free may do when deferral is not allowed. */
    static final int MAX_OPS_NOT_FORCED = 16;
    /** The largest count one batch call takes. */
    public static final int MAX_BATCH = 1 << 16;
    /** {@link #nanosUntilDeferredWork()} when there is nothing to do (BACKGROUND_THREAD_DEFERRED_MAX). */
    public static final long NO_DEFERRED_WORK = Long.MAX_VALUE;

    private final int index;
    private final PageHooks hooks;
    private final Clock clock;
    private final JobExecutor executor;
    private final int maxJobsInFlight;
    private ShardOptions options;

    private final PageSlabSet psset = new PageSlabSet();
    private final LongHashMap<SlabExtents> slabsByAddress = new LongHashMap<>();
    /* One age counter for both fresh and reused slabs; see addSlab. */
    private long ageCounter;

    private final PageBudget budget;
    private final JobSlots slots;
    /* Set only inside allocZeroed: allocOneNoGrow records there which pages of its extent were touched. */
    private PagesToClear.Builder zeroCapture;
    /* Set by allocOneNoGrow when the budget refused the pages it needed. */
    private boolean refusedByBudget;
    private long npendingPurge;
    private int jobsInFlight;
    private long lastPurgeNanos;

    private long npurgePasses;
    private long npurges;
    private long nhugifies;
    private long ndehugifies;
    private long npurgeAborts;
    private long nhugifyAborts;

    private long liveExtents;
    private long liveBytes;
    private boolean disabled;
    private boolean destroyed;
    /* Set by the owner to hold every pass (tests, an operator's pause): no pass begins a job. */
    private boolean deferredWorkPaused;
    /*
     * The retry back-off after a job the executor reported failed: until retryBackoffUntilNanos no
     * pass begins a job, since one begun then would most likely fail too, and its slab would sit mid
     * phase, serving no allocation, meanwhile. retryBackoffNanos is the last pause, 0 after a success.
     */
    private long retryBackoffInitialNanos;
    private long retryBackoffMaxNanos;
    private long retryBackoffNanos;
    private long retryBackoffUntilNanos;
    /* Set by a failure, cleared once its pause is over: a success meanwhile does not end the pause. */
    private boolean backingOff;
    /* The last forced pass stopped at the job limit: it goes on as its jobs end. */
    private boolean passCut;

    /**
     * A shard that runs its purge and hugify jobs inline through {@code hooks}.
     *
     * @param index   names the shard in extents and refusals
     * @param options the shard's settings
     * @param hooks   the OS calls its jobs and {@link #destroy()} make
     * @param clock   times the purge and hugify delays
     */
    public Shard(int index, ShardOptions options, PageHooks hooks, Clock clock) {
        this(index, options, hooks, clock, null, Integer.MAX_VALUE);
    }

    /**
     * A shard that hands its jobs to {@code executor}, with no limit on jobs in flight; {@code hooks}
     * then serve only {@link #destroy()}.
     *
     * @param index   names the shard in extents and refusals
     * @param options the shard's settings
     * @param hooks    the OS calls {@link #destroy()} makes
     * @param clock    times the purge and hugify delays
     * @param executor runs the jobs the shard begins
     */
    public Shard(int index, ShardOptions options, PageHooks hooks, Clock clock, JobExecutor executor) {
        this(index, options, hooks, clock, executor, Integer.MAX_VALUE);
    }

    /**
     * A shard that hands its jobs to {@code executor} and has at most {@code maxJobsInFlight} of them
     * in flight. In hpa.c one thread purges one slab at a time; jobs run elsewhere have no such
     * bound, and every slab in mid_purge is one allocation cannot use, so a slow OS would make the
     * shard grow. A pass that reaches the bound stops; {@link #atJobLimit()} tells the owner to go on
     * with it when a job ends.
     *
     * @param index   names the shard in extents and refusals
     * @param options the shard's settings
     * @param hooks           the OS calls {@link #destroy()} makes
     * @param clock           times the purge and hugify delays
     * @param executor        runs the jobs the shard begins
     * @param maxJobsInFlight the most jobs begun and not yet ended
     */
    public Shard(
            int index, ShardOptions options, PageHooks hooks, Clock clock, JobExecutor executor, int maxJobsInFlight) {
        this(index, options, hooks, clock, executor, maxJobsInFlight, PageBudget.UNLIMITED, JobSlots.UNLIMITED);
    }

    /**
     * As above, taking the pages it touches from {@code budget}, shared with the allocator's other
     * shards (an allocation that would touch more than the budget has left is refused with
     * {@link MemoryBudgetExceededException}), and each job in flight also holding one of the
     * allocator's shared {@code slots}.
     *
     * @param index   names the shard in extents and refusals
     * @param options the shard's settings
     * @param hooks           the OS calls {@link #destroy()} makes
     * @param clock           times the purge and hugify delays
     * @param executor        runs the jobs the shard begins
     * @param maxJobsInFlight the most jobs begun and not yet ended
     * @param budget          the pages the allocator's shards may touch, shared
     * @param slots           the job slots the allocator's shards share
     */
    public Shard(
            int index,
            ShardOptions options,
            PageHooks hooks,
            Clock clock,
            JobExecutor executor,
            int maxJobsInFlight,
            PageBudget budget,
            JobSlots slots) {
        if (index < 0) {
            throw new IllegalArgumentException("shard index must not be negative, got " + index);
        }
        if (maxJobsInFlight < 1) {
            throw new IllegalArgumentException("max jobs in flight must be at least 1, got " + maxJobsInFlight);
        }
        this.maxJobsInFlight = maxJobsInFlight;
        this.index = index;
        this.options = options;
        this.hooks = hooks;
        this.clock = clock;
        this.executor = executor;
        this.budget = budget;
        this.slots = slots;
        this.lastPurgeNanos = clock.nanoTime();
    }

    /** {@return the index that names the shard in extents and refusals} */
    public int index() {
        return index;
    }

    /** {@return the shard's settings} */
    public ShardOptions options() {
        return options;
    }

    // ---------------------------------------------------------------- allocation

    /**
     * The size the shard would allocate for a request of {@code bytes}: rounded up to whole pages.
     * Throws {@link InvalidSizeException} for sizes the shard never serves.
     *
     * @param bytes the request's size
     * @return the extent's size, bytes
     */
    public long allocSize(long bytes) {
        if (bytes <= 0 || bytes > options.slabMaxAlloc()) {
            throw new InvalidSizeException(bytes, options.slabMaxAlloc());
        }
        return Pages.pageCeiling(bytes);
    }

    /**
     * hpa_alloc: one extent, growing from {@code grow} when no slab fits. hpa.c refuses alignment
     * above a page and zeroed requests (it does not know which pages are zero); so does this, and
     * {@link #allocZeroed} serves zeroed requests instead.
     *
     * @param bytes     the size asked for
     * @param alignment at most a page
     * @param zero      must be false
     * @param grow      gives the shard a slab when none fits
     * @return the extent
     */
    public Extent alloc(long bytes, long alignment, boolean zero, SlabSource grow) {
        if (alignment > Pages.PAGE) {
            throw new UnsupportedRequestException("alignment " + alignment + " above a page is not supported");
        }
        if (zero) {
            throw new UnsupportedRequestException("zeroed allocation is not supported");
        }
        return alloc(bytes, grow);
    }

    /**
     * One extent for a zeroed request, with the pages the caller must still clear: those touched
     * since the OS last gave them back. Pages never touched, or purged since, are zero already, so a
     * zeroed request costs only the clearing of reused dirty pages.
     *
     * @param bytes the size asked for
     * @param grow  gives the shard a slab when none fits
     * @return the extent and the pages to clear
     */
    public ZeroedExtent allocZeroed(long bytes, SlabSource grow) {
        zeroCapture = new PagesToClear.Builder();
        try {
            Extent extent = alloc(bytes, grow);
            return new ZeroedExtent(extent, zeroCapture.build());
        } finally {
            zeroCapture = null;
        }
    }

    /**
     * As {@link #allocZeroed}, from the slabs the shard has: null when none fits, for the owner to
     * add a slab and retry, as with {@link #allocNoGrow}.
     *
     * @param bytes the size asked for
     * @return the extent and the pages to clear, or null
     */
    public ZeroedExtent allocZeroedNoGrow(long bytes) {
        zeroCapture = new PagesToClear.Builder();
        try {
            List<Extent> out = new ArrayList<>(1);
            return allocNoGrow(bytes, 1, out) == 0 ? null : new ZeroedExtent(out.get(0), zeroCapture.build());
        } finally {
            zeroCapture = null;
        }
    }

    /**
     * One page-aligned extent of {@code bytes}, not zeroed, growing from {@code grow} when no slab fits.
     *
     * @param bytes the size asked for
     * @param grow  gives the shard a slab when none fits
     * @return the extent
     */
    public Extent alloc(long bytes, SlabSource grow) {
        List<Extent> out = new ArrayList<>(1);
        allocBatch(bytes, 1, grow, out);
        return out.get(0);
    }

    /**
     * hpa_alloc_batch: {@code count} extents of {@code bytes} each, appended to {@code out}. Tries
     * the slabs it has, then grows one slab at a time and tries again. All or nothing: hpa.c
     * returns a short batch when growing fails, hpa4j frees what it got and throws
     * {@link EdenExhaustedException}, so no caller ever holds half a batch. It also keeps growing
     * until the batch is complete, where hpa.c grows once per call.
     *
     * @param bytes the size of each extent
     * @param count how many
     * @param grow  gives the shard a slab when none fits
     * @param out   receives the extents
     */
    public void allocBatch(long bytes, int count, SlabSource grow, List<Extent> out) {
        int first = out.size();
        int got = allocNoGrow(bytes, count, out);
        while (got < count) {
            PageSlab slab;
            try {
                slab = grow.extract();
            } catch (AllocatorException e) { // out of memory, or past the budget's address-space bound
                List<Extent> partial = out.subList(first, out.size());
                for (Extent extent : partial) {
                    dallocLocked(extent);
                }
                partial.clear();
                maybeDoDeferredWork(false);
                throw e;
            }
            addSlab(slab);
            got += allocNoGrow(bytes, count - got, out);
        }
    }

    /**
     * hpa_try_alloc_batch_no_grow: up to {@code count} extents from the slabs the shard has,
     * appended to {@code out}; returns how many. Then does deferred work if deferral is not allowed.
     *
     * @param bytes the size of each extent
     * @param count the most extents
     * @param out   receives the extents
     * @return how many were appended
     */
    public int allocNoGrow(long bytes, int count, List<Extent> out) {
        checkNotDisabled();
        long size = allocSize(bytes);
        checkCount(count);
        int first = out.size();
        int nsuccess = 0;
        refusedByBudget = false;
        while (nsuccess < count && allocOneNoGrow(size, out)) {
            nsuccess++;
        }
        if (refusedByBudget) {
            // Growing cannot help: what this call got goes back, and the whole request is refused.
            List<Extent> partial = out.subList(first, out.size());
            for (Extent extent : partial) {
                dallocLocked(extent);
            }
            partial.clear();
            maybeDoDeferredWork(false);
            throw new MemoryBudgetExceededException(
                    budget.limitPages() << Pages.LG_PAGE,
                    budget.heldPages() << Pages.LG_PAGE,
                    size * (count - nsuccess));
        }
        maybeDoDeferredWork(false);
        return nsuccess;
    }

    /**
     * A fresh slab from eden joins the shard. hpa.c keeps the age eden gave it, drawn from a
     * counter shared by every shard, and stamps reused empty slabs from the shard's own counter,
     * so the two kinds of ages can collide and misorder. hpa4j stamps both from the shard's
     * counter: a slab that joins is the youngest, just as a reused one is.
     *
     * @param slab a slab from eden, empty
     */
    public void addSlab(PageSlab slab) {
        checkNotDestroyed();
        if (slab.inSet() || slabsByAddress.get(slab.address()) != null) {
            throw new IllegalArgumentException(slab + " already belongs to a shard");
        }
        if (!slab.empty()) {
            throw new IllegalArgumentException(slab + " is not fresh");
        }
        slab.age(ageCounter++);
        slabsByAddress.put(slab.address(), new SlabExtents(slab));
        psset.insert(slab);
    }

    private boolean allocOneNoGrow(long size, List<Extent> out) {
        PageSlab ps = psset.pickAlloc(size);
        if (ps == null) {
            return false;
        }
        int npages = (int) (size >>> Pages.LG_PAGE);
        // Pages touched before (dirty, or of a huge slab) are held already; only the others cost.
        int fresh = ps.untouchedInFirstFit(npages);
        if (fresh > 0 && !budget.tryTake(fresh)) {
            refusedByBudget = true;
            return false;
        }
        if (zeroCapture != null) {
            ps.touchedIn(ps.firstFit(npages), npages, zeroCapture);
        }
        psset.updateBegin(ps);
        if (ps.empty()) {
            /*
             * A slab that was empty is treated as brand new for fragmentation avoidance: the age
             * approximates the age of the allocations in it, and these are the youngest.
             */
            ps.age(ageCounter++);
        }
        int page = ps.reserveAlloc(npages);
        slabsByAddress.get(ps.address()).register(page, npages);
        updatePurgeHugifyEligibility(ps);
        psset.updateEnd(ps);
        liveExtents++;
        liveBytes += size;
        out.add(new Extent(ps.address() + ((long) page << Pages.LG_PAGE), size, index));
        return true;
    }

    // ---------------------------------------------------------------- free

    /**
     * hpa_dalloc. Refuses, unchanged, an extent that is not live in this shard.
     *
     * @param extent a live extent of this shard
     */
    public void free(Extent extent) {
        checkNotDestroyed();
        validateFree(extent);
        dallocLocked(extent);
        maybeDoDeferredWork(false);
    }

    /**
     * hpa_dalloc_batch. The whole batch is checked first: if any extent is refused, none is freed
     * and the {@link InvalidFreeException} names the first bad one.
     *
     * @param extents live extents of this shard
     */
    public void freeBatch(List<Extent> extents) {
        checkNotDestroyed();
        checkCount(extents.size());
        for (Extent extent : extents) {
            validateFree(extent);
        }
        checkNoDuplicates(extents);
        for (Extent extent : extents) {
            dallocLocked(extent);
        }
        maybeDoDeferredWork(false);
    }

    /**
     * Throws {@link InvalidFreeException} unless {@code extent} is a live extent of this shard.
     *
     * @param extent the extent to free
     */
    public void validateFree(Extent extent) {
        if (extent == null) {
            throw new InvalidFreeException(FreeRefusal.NULL_EXTENT, 0, 0, index);
        }
        long address = extent.address();
        long size = extent.size();
        if (extent.shard() != index) {
            throw new InvalidFreeException(FreeRefusal.WRONG_SHARD, address, size, index);
        }
        if (!Pages.isPageAligned(address)) {
            throw new InvalidFreeException(FreeRefusal.MISALIGNED_ADDRESS, address, size, index);
        }
        SlabExtents record = slabsByAddress.get(Pages.hugepageBase(address));
        if (record == null) {
            throw new InvalidFreeException(FreeRefusal.UNKNOWN_ADDRESS, address, size, index);
        }
        int page = (int) ((address - record.slab.address()) >>> Pages.LG_PAGE);
        int npages = record.pagesAt(page);
        if (npages == 0) {
            FreeRefusal reason = record.slab.isActive(page) ? FreeRefusal.INTERIOR_ADDRESS : FreeRefusal.NOT_ALLOCATED;
            throw new InvalidFreeException(reason, address, size, index);
        }
        if (size != (long) npages << Pages.LG_PAGE) {
            throw new InvalidFreeException(FreeRefusal.WRONG_SIZE, address, size, index);
        }
    }

    private void checkNoDuplicates(List<Extent> extents) {
        if (extents.size() < 2) {
            return;
        }
        long[] addresses = new long[extents.size()];
        for (int i = 0; i < addresses.length; i++) {
            addresses[i] = extents.get(i).address();
        }
        Arrays.sort(addresses);
        for (int i = 1; i < addresses.length; i++) {
            if (addresses[i] == addresses[i - 1]) {
                throw new InvalidFreeException(FreeRefusal.DUPLICATE_IN_BATCH, addresses[i], 0, index);
            }
        }
    }

    /** hpa_dalloc_locked, for an extent already validated. */
    private void dallocLocked(Extent extent) {
        SlabExtents record = slabsByAddress.get(extent.slabAddress());
        PageSlab ps = record.slab;
        int page = (int) ((extent.address() - ps.address()) >>> Pages.LG_PAGE);
        record.deregister(page);
        liveExtents--;
        liveBytes -= extent.size();
        psset.updateBegin(ps);
        ps.unreserve(page, extent.pages());
        updatePurgeHugifyEligibility(ps);
        psset.updateEnd(ps);
    }

    // ---------------------------------------------------------------- policy

    /**
     * hpa_good_hugification_candidate. The comparison is {@code >=}, not {@code >}, for the
     * important case of a threshold of exactly a hugepage.
     */
    boolean goodHugificationCandidate(PageSlab ps) {
        return (long) ps.nactive() * Pages.PAGE >= options.hugificationThreshold();
    }

    /** hpa_adjusted_ndirty: dirty pages not already on their way back to the OS. */
    long adjustedNdirty() {
        return psset.ndirty() - npendingPurge;
    }

    /** hpa_ndirty_max: dirty_mult times active pages, or unlimited. */
    long ndirtyMax() {
        if (options.dirtyMult() == FixedPoint.UNLIMITED) {
            return Long.MAX_VALUE;
        }
        return FixedPoint.mulFrac(psset.nactive(), options.dirtyMult());
    }

    /**
     * hpa_hugify_blocked_by_ndirty: hugifying the next candidate would back its retained pages,
     * which count as dirty from then on, and push the shard over its dirty limit.
     */
    boolean hugifyBlockedByNdirty() {
        PageSlab toHugify = psset.pickHugify();
        if (toHugify == null) {
            return false;
        }
        return adjustedNdirty() + toHugify.nretained() > ndirtyMax();
    }

    /** hpa_should_purge. */
    boolean shouldPurge() {
        // Under budget pressure idle memory goes back first: every dirty page, not only the excess.
        long limit = budget.underPressure() ? 0 : ndirtyMax();
        return adjustedNdirty() > limit || hugifyBlockedByNdirty();
    }

    /**
     * hpa_update_purge_hugify_eligibility, called inside every update bracket.
     *
     * <p>Hugepages are costly to purge, so hugify only slabs that are particularly full. With THP
     * enabled and defrag both "madvise" (common, and the case on the machines hpa4j was built on),
     * the first touch after a hugification can stall for a long time; jemalloc's answer, kept here,
     * is time-based: hugify only after a slab has been a candidate for the hugify delay.
     *
     * <p>Once eligible, a slab stays eligible even if it stops meeting the threshold: otherwise a
     * slab that is dense most of the time but sees intervening frees might never be hugified. The
     * delay gives such frees a chance to be purged first (which clears eligibility); if they are
     * not, hugifying does no harm and may help. The exception is an empty slab: hugifying it cannot
     * help until it is reused, which is likely not soon.
     */
    private void updatePurgeHugifyEligibility(PageSlab ps) {
        if (ps.changingState()) {
            ps.purgeAllowed(false);
            ps.disallowHugify();
            return;
        }
        ps.purgeAllowed(ps.ndirty() > 0);
        /*
         * hpa.c stamps the time on every update while the slab meets the threshold, so a dense slab
         * that keeps serving allocations and frees never waits out the delay, and, being first in
         * the FIFO hugify list, holds back every candidate behind it. hpa4j keeps the time the slab
         * became a candidate: the delay then measures how long it has met the criteria, which is
         * what the comment above asks for.
         */
        if (goodHugificationCandidate(ps) && !ps.huge() && !ps.hugifyAllowed()) {
            ps.allowHugify(clock.nanoTime(), hugifyAtOnce(ps));
        }
        if (ps.nactive() == 0) {
            ps.disallowHugify();
        }
    }

    /**
     * Not in hpa.c: whether a slab that becomes a candidate now may skip the hugify delay. Decided
     * once, when it becomes a candidate: like eligibility itself, the decision is sticky, so frees
     * while it waits for a page worker do not send it to the back of the delayed list.
     */
    private boolean hugifyAtOnce(PageSlab ps) {
        return options.hugifyPolicy() == HugifyPolicy.GROWTH && ps.grownSinceEmpty();
    }

    /** How long {@code ps}, a candidate, waits before it is hugified. */
    private long hugifyDelayMs(PageSlab ps) {
        return ps.hugifyAtOnce() ? 0 : options.hugifyDelayMs();
    }

    /**
     * hpa_shard_has_deferred_work.
     *
     * @return whether a purge or hugify is due
     */
    public boolean hasDeferredWork() {
        return psset.pickHugify() != null || shouldPurge();
    }

    // ---------------------------------------------------------------- deferred work

    /**
     * hpa_try_purge up to the unlock: picks the slab most worth purging, stops allocation from it,
     * fixes the ranges to purge and counts their pages as pending. Returns null when there is
     * nothing to purge. The caller runs the job and ends it with {@link #finish} or {@link #abort}.
     *
     * @return the job, or null
     */
    public PurgeJob beginPurge() {
        checkNotDestroyed();
        PageSlab ps = psset.pickPurge();
        if (ps == null || !slots.tryAcquire(true)) {
            return null;
        }
        assert ps.purgeAllowed() && !ps.changingState();

        // Nobody else may purge or hugify the slab meanwhile; frees into it are fine.
        psset.updateBegin(ps);
        assert ps.allocAllowed();
        ps.midPurge(true);
        ps.purgeAllowed(false);
        ps.disallowHugify();
        /*
         * Unlike hugifying, purging cannot allow allocation from the slab: an extent handed out and
         * then purged would lose its contents.
         */
        ps.allocAllowed(false);
        psset.updateEnd(ps);

        boolean dehugify = ps.huge();
        PurgeState state = new PurgeState();
        int numToPurge = ps.purgeBegin(state);
        npendingPurge += numToPurge;

        List<Long> ranges = new ArrayList<>(4);
        for (long range = ps.purgeNext(state); range != BitRange.NONE; range = ps.purgeNext(state)) {
            ranges.add(range);
        }
        long[] addresses = new long[ranges.size()];
        long[] sizes = new long[ranges.size()];
        for (int i = 0; i < addresses.length; i++) {
            long range = ranges.get(i);
            addresses[i] = ps.address() + ((long) BitRange.begin(range) << Pages.LG_PAGE);
            sizes[i] = (long) BitRange.length(range) << Pages.LG_PAGE;
        }
        jobsInFlight++;
        return new PurgeJob(index, ps, state, dehugify, numToPurge, addresses, sizes);
    }

    /**
     * hpa_try_hugify up to the unlock: picks the longest-waiting candidate (one the policy lets go
     * at once first) if the dirty limit allows and it has waited its hugify delay. Returns null
     * otherwise.
     *
     * @return the job, or null
     */
    public HugifyJob beginHugify() {
        checkNotDestroyed();
        if (hugifyBlockedByNdirty()) {
            return null;
        }
        PageSlab ps = psset.pickHugify();
        if (ps == null) {
            return null;
        }
        assert ps.hugifyAllowed() && !ps.changingState();
        if (clock.millisSince(ps.timeHugifyAllowed()) < hugifyDelayMs(ps)) {
            return null;
        }
        if (!slots.tryAcquire(false)) {
            return null;
        }
        // A hugepage backs the whole slab: its retained pages become held.
        int backed = ps.nretained();
        if (!budget.tryTake(backed)) {
            slots.release(false);
            return null;
        }
        psset.updateBegin(ps);
        ps.midHugify(true);
        ps.purgeAllowed(false);
        ps.disallowHugify();
        assert ps.allocAllowed();
        psset.updateEnd(ps);
        jobsInFlight++;
        return new HugifyJob(index, ps, backed);
    }

    /**
     * The pause after a job the executor reports failed: {@code initialNanos}, twice the last one on
     * each failure in a row, at most {@code maxNanos}; 0 pauses not at all.
     *
     * @param initialNanos the first pause
     * @param maxNanos     the longest pause
     */
    public void setJobRetryBackoff(long initialNanos, long maxNanos) {
        if (initialNanos < 0 || maxNanos < initialNanos) {
            throw new IllegalArgumentException(
                    "retry back-off must satisfy 0 <= initial <= max, got " + initialNanos + " and " + maxNanos);
        }
        retryBackoffInitialNanos = initialNanos;
        retryBackoffMaxNanos = maxNanos;
    }

    /**
     * The executor ran the job: {@link #finish}, and the next failure pauses for the initial back-off again.
     *
     * @param job a job this shard began
     */
    public void jobSucceeded(DeferredJob job) {
        finish(job);
        retryBackoffNanos = 0;
    }

    /**
     * The executor's job failed: {@link #abort}, and no pass begins a job for the retry back-off,
     * twice the last one if the last job failed too.
     *
     * @param job a job this shard began
     * @return the pause, in nanoseconds
     */
    public long jobFailed(DeferredJob job) {
        abort(job);
        retryBackoffNanos = retryBackoffNanos == 0
                ? retryBackoffInitialNanos
                : Math.min(retryBackoffMaxNanos, 2 * retryBackoffNanos);
        retryBackoffUntilNanos = clock.nanoTime() + retryBackoffNanos;
        backingOff = retryBackoffNanos > 0;
        return retryBackoffNanos;
    }

    /** {@return whether a retry back-off holds every pass now} */
    public boolean backingOff() {
        // No clock read unless a pause is on: an unforced pass asks after every alloc and free.
        if (backingOff && clock.nanoTime() - retryBackoffUntilNanos >= 0) {
            backingOff = false;
        }
        return backingOff;
    }

    /**
     * After a job ended: a forced pass that stopped at the job limit goes on, forced; otherwise the
     * shard does what an alloc or free would (without deferral, the work the 16-operation bound
     * left).
     *
     * @return the jobs begun
     */
    public int continueAfterJob() {
        return maybeDoDeferredWork(passCut);
    }

    /**
     * The job's OS calls succeeded: hpa.c's work after the relock.
     *
     * @param job a job this shard began
     */
    public void finish(DeferredJob job) {
        switch (job) {
            case PurgeJob purge -> endPurge(purge, true);
            case HugifyJob hugify -> endHugify(hugify, true);
        }
    }

    /**
     * The job's OS calls failed (perhaps part way): the slab leaves its mid phase as if the job had
     * never begun. Its pages stay counted dirty (a range that was purged anyway is only purged
     * again) and a slab that was not hugified stays non-huge; it is picked again later. A failed
     * hugify makes the slab a candidate again from now, so the hugify delay is also its retry delay.
     *
     * @param job a job this shard began
     */
    public void abort(DeferredJob job) {
        switch (job) {
            case PurgeJob purge -> endPurge(purge, false);
            case HugifyJob hugify -> endHugify(hugify, false);
        }
    }

    private void endPurge(PurgeJob job, boolean purged) {
        PageSlab ps = endJob(job);
        npendingPurge -= job.pendingPages();
        if (purged) {
            npurgePasses++;
            npurges += job.rangeCount();
            lastPurgeNanos = clock.nanoTime();
            if (job.dehugify()) {
                ndehugifies++;
            }
        } else {
            npurgeAborts++;
        }
        psset.updateBegin(ps);
        if (purged) {
            if (job.dehugify()) {
                ps.dehugify();
            }
            int touched = ps.ntouched();
            ps.purgeEnd(job.state());
            budget.give(touched - ps.ntouched());
        }
        ps.midPurge(false);
        ps.allocAllowed(true);
        updatePurgeHugifyEligibility(ps);
        psset.updateEnd(ps);
    }

    private void endHugify(HugifyJob job, boolean hugified) {
        PageSlab ps = endJob(job);
        if (hugified) {
            nhugifies++;
        } else {
            nhugifyAborts++;
        }
        psset.updateBegin(ps);
        // Allocations went on meanwhile and touched some of the pages taken for it: give back the rest.
        int touched = ps.ntouched();
        if (hugified) {
            ps.hugify();
        }
        budget.give(job.pagesTaken() - (ps.ntouched() - touched));
        ps.midHugify(false);
        updatePurgeHugifyEligibility(ps);
        if (!hugified && ps.hugifyAtOnce()) {
            // A retry at once would leave the owner's back-off as the only pause between failures.
            ps.allowHugify(clock.nanoTime(), false);
        }
        psset.updateEnd(ps);
    }

    /* Checks that the job is this shard's and still in flight, and marks it ended. */
    private PageSlab endJob(DeferredJob job) {
        PageSlab ps = job.slab();
        if (job.shard() != index) {
            throw new IllegalArgumentException(job + " belongs to another shard than " + index);
        }
        SlabExtents record = slabsByAddress.get(ps.address());
        if (record == null || record.slab != ps) {
            throw new IllegalArgumentException(job + " is not a job of this shard");
        }
        if (!job.markEnded()) {
            throw new IllegalStateException(job + " has already ended");
        }
        jobsInFlight--;
        slots.release(job instanceof PurgeJob);
        return ps;
    }

    /** hpa_shard_do_deferred_work: everything due, now (forced). */
    public void doDeferredWork() {
        maybeDoDeferredWork(true);
    }

    /**
     * hpa_shard_maybe_do_deferred_work. A forced call (the background pass) works while there is
     * work; an unforced one (after an alloc or free) only when deferral is not allowed, and does at
     * most {@value #MAX_OPS_NOT_FORCED} operations to bound the caller's latency. Purging comes
     * before hugifying, so that the dirty limit is met first. Nothing begins while the shard is paused
     * or backs off after a failed job. Returns the jobs begun.
     *
     * <p>With an executor the jobs are still in flight when this returns; pages they will purge
     * already count as pending, so the loop does not begin the same work twice, and a slab in
     * flight is in no list to be picked again.
     *
     * @param forced whether this is the background pass
     * @return the jobs begun
     */
    public int maybeDoDeferredWork(boolean forced) {
        if (destroyed || deferredWorkPaused || (!forced && options.deferralAllowed()) || backingOff()) {
            return 0;
        }
        int begun = doDeferredWork(forced ? Integer.MAX_VALUE : MAX_OPS_NOT_FORCED);
        if (forced) {
            passCut = atJobLimit();
        }
        return begun;
    }

    private int doDeferredWork(int maxOps) {
        int nops = 0;
        boolean purged;
        boolean hugified;
        do {
            purged = false;
            while (nops < maxOps && !atJobLimit() && shouldPurge()) {
                PurgeJob job = beginPurge();
                if (job == null) {
                    break;
                }
                nops++;
                if (!dispatch(job)) {
                    return nops;
                }
                purged = true;
            }
            HugifyJob job = atJobLimit() ? null : beginHugify();
            hugified = job != null;
            if (hugified) {
                nops++;
                if (!dispatch(job)) {
                    return nops;
                }
            }
        } while ((purged || hugified) && nops < maxOps);
        return nops;
    }

    /**
     * Under budget pressure, takes out of the shard every slab that is empty and whose pages have all
     * gone back to the OS, for eden to hand to whichever shard grows next; otherwise none. hpa.c keeps
     * such slabs in the shard that emptied them; under a memory budget that strands address space
     * another shard may need, so hpa4j releases whole empty hugepages first, as TCMalloc's Temeraire
     * does. A slab with a job in flight stays.
     *
     * @return the slabs taken out
     */
    public List<PageSlab> releaseEmptySlabs() {
        List<PageSlab> released = new ArrayList<>();
        if (destroyed || !budget.underPressure()) {
            return released;
        }
        slabsByAddress.forEachValue(record -> {
            PageSlab ps = record.slab;
            if (ps.empty() && ps.ntouched() == 0 && !ps.changingState()) {
                released.add(ps);
            }
        });
        for (PageSlab ps : released) {
            psset.remove(ps);
            slabsByAddress.remove(ps.address());
        }
        return released;
    }

    /**
     * While paused, no pass begins a job, forced or not, until the owner resumes it.
     *
     * @param paused whether passes may begin jobs
     */
    public void pauseDeferredWork(boolean paused) {
        deferredWorkPaused = paused;
    }

    /** {@return whether as many jobs are in flight as the shard allows: a pass stops there} */
    public boolean atJobLimit() {
        return jobsInFlight >= maxJobsInFlight;
    }

    /*
     * Returns false when an inline job failed: the pass stops there, or it would pick the same slab
     * again at once and spin while the OS keeps refusing. The next pass retries.
     */
    private boolean dispatch(DeferredJob job) {
        if (executor != null) {
            executor.execute(job);
            return true;
        }
        try {
            job.run(hooks);
        } catch (PageOperationException e) {
            abort(job);
            return false;
        }
        finish(job);
        return true;
    }

    /**
     * hpa_time_until_deferred_work: nanoseconds until a background pass has work, 0 for now, or
     * {@link #NO_DEFERRED_WORK}.
     *
     * <p>Unlike hpa.c, work that no pass could begin is not reported as due: a hugify candidate
     * blocked by the dirty limit waits for purging (the purge branch below), and purging waits when
     * every dirty slab is already in flight. jemalloc's background thread has a minimum sleep that
     * hides this; a timer armed with 0 would spin. The end of a job or the next alloc or free asks
     * again.
     *
     * @return nanoseconds until work is due
     */
    public long nanosUntilDeferredWork() {
        long due = nanosUntilWorkDue();
        // Work due during a retry back-off waits for its end.
        return due == NO_DEFERRED_WORK || !backingOff()
                ? due
                : Math.max(due, retryBackoffUntilNanos - clock.nanoTime());
    }

    private long nanosUntilWorkDue() {
        long timeNanos = NO_DEFERRED_WORK;
        PageSlab toHugify = psset.pickHugify();
        if (toHugify != null && !hugifyBlockedByNdirty()) {
            long delayMs = hugifyDelayMs(toHugify);
            long sinceAllowedMs = clock.millisSince(toHugify.timeHugifyAllowed());
            if (sinceAllowedMs >= delayMs) {
                return 0;
            }
            // Not a candidate for long enough yet: sleep for the rest.
            timeNanos = (delayMs - sinceAllowedMs) * 1_000_000L;
        }
        if (shouldPurge() && psset.pickPurge() != null) {
            // A shard that never purged need not wait an interval.
            if (npurgePasses == 0) {
                return 0;
            }
            long sinceLastPurgeMs = clock.millisSince(lastPurgeNanos);
            if (sinceLastPurgeMs < options.minPurgeIntervalMs()) {
                timeNanos = Math.min(timeNanos, (options.minPurgeIntervalMs() - sinceLastPurgeMs) * 1_000_000L);
            } else {
                timeNanos = 0;
            }
        }
        return timeNanos;
    }

    /**
     * hpa_shard_set_deferral_allowed. Turning deferral off does the deferred work now, forced, since
     * no background pass will come for it.
     *
     * @param allowed whether deferred work waits for a background pass
     */
    public void setDeferralAllowed(boolean allowed) {
        boolean previouslyAllowed = options.deferralAllowed();
        options = options.withDeferralAllowed(allowed);
        if (previouslyAllowed && !allowed) {
            maybeDoDeferredWork(true);
        }
    }

    // ---------------------------------------------------------------- lifecycle

    /** hpa_shard_disable: no more allocations; frees and jobs in flight still end normally. */
    public void disable() {
        disabled = true;
    }

    /** {@return whether {@link #disable()} ran: every request is refused} */
    public boolean disabled() {
        return disabled;
    }

    /** {@return whether {@link #destroy()} ran: the slabs are unmapped and every request is refused} */
    public boolean destroyed() {
        return destroyed;
    }

    /**
     * hpa_shard_destroy: unmaps every slab. hpa.c expects every extent freed by now; hpa4j reclaims
     * the slabs of live extents too and reports them, since a JVM application may shut down with
     * allocations still held. Jobs in flight must have ended.
     *
     * @return what was still live
     */
    public Reclaimed destroy() {
        if (destroyed) {
            return new Reclaimed(0, 0, 0);
        }
        if (jobsInFlight != 0) {
            throw new IllegalStateException("shard " + index + " has " + jobsInFlight + " jobs in flight");
        }
        disabled = true;
        destroyed = true;
        Reclaimed reclaimed = new Reclaimed(liveExtents, liveBytes, slabsByAddress.size());
        List<PageSlab> slabs = new ArrayList<>(slabsByAddress.size());
        slabsByAddress.forEachValue(record -> slabs.add(record.slab));
        for (PageSlab ps : slabs) {
            psset.remove(ps);
            slabsByAddress.remove(ps.address());
            budget.give(ps.ntouched());
            hooks.unmap(ps.address(), Pages.HUGEPAGE);
        }
        liveExtents = 0;
        liveBytes = 0;
        return reclaimed;
    }

    /**
     * What {@link #destroy()} took back.
     *
     * @param liveExtents extents that were never freed
     * @param liveBytes   their bytes
     * @param slabs       slabs unmapped
     */
    public record Reclaimed(long liveExtents, long liveBytes, long slabs) {}

    // ---------------------------------------------------------------- stats

    /**
     * hpa_shard_stats_merge: a snapshot.
     *
     * @return the shard's stats now
     */
    public ShardStats stats() {
        return new ShardStats(
                index, psset.stats().copy(), counters(), npendingPurge, jobsInFlight, liveExtents, liveBytes);
    }

    /** {@return the purge and hugify counters} */
    public ShardCounters counters() {
        return new ShardCounters(npurgePasses, npurges, nhugifies, ndehugifies, npurgeAborts, nhugifyAborts);
    }

    /** {@return dirty pages of purge jobs in flight} */
    public long npendingPurge() {
        return npendingPurge;
    }

    /** {@return jobs begun and not yet ended} */
    public int jobsInFlight() {
        return jobsInFlight;
    }

    /** {@return extents allocated and not freed} */
    public long liveExtents() {
        return liveExtents;
    }

    /** {@return pages allocated over every slab} */
    public long nactive() {
        return psset.nactive();
    }

    /** {@return dirty pages over every slab, pending purges excluded} */
    public long ndirty() {
        return psset.ndirty();
    }

    /** {@return slabs in the shard} */
    public long nslabs() {
        return slabsByAddress.size();
    }

    /** {@return every slab of the shard, for tests and stats (a copy)} */
    public List<PageSlab> slabs() {
        List<PageSlab> slabs = new ArrayList<>(slabsByAddress.size());
        slabsByAddress.forEachValue(record -> slabs.add(record.slab));
        return slabs;
    }

    /**
     * Cross-checks the shard's counters with its slabs: every slab consistent, the slab set's totals
     * equal to the sums over slabs, active pages equal to the pages of live extents. Returns null
     * when all hold, else the first mismatch. For tests; walks every slab.
     *
     * @return the first mismatch, or null
     */
    public String inconsistency() {
        long active = 0;
        long dirty = 0;
        long registeredPages = 0;
        List<PageSlab> slabs = slabs();
        for (PageSlab ps : slabs) {
            String problem = ps.inconsistency();
            if (problem != null) {
                return ps + ": " + problem;
            }
            active += ps.nactive();
            dirty += ps.ndirty();
            SlabExtents record = slabsByAddress.get(ps.address());
            for (int page = 0; page < Pages.HUGEPAGE_PAGES; page++) {
                registeredPages += record.pagesAt(page);
            }
        }
        if (active != psset.nactive() || dirty != psset.ndirty() || slabs.size() != psset.npageslabs()) {
            return "slab set totals (" + psset.npageslabs() + " slabs, " + psset.nactive() + " active, "
                    + psset.ndirty() + " dirty) differ from the slabs (" + slabs.size() + ", " + active + ", "
                    + dirty + ")";
        }
        if (registeredPages != active || liveBytes != active << Pages.LG_PAGE) {
            return "active pages " + active + " but live extents cover " + registeredPages + " pages / " + liveBytes
                    + " bytes";
        }
        return null;
    }

    // ---------------------------------------------------------------- checks

    private void checkNotDisabled() {
        if (disabled) {
            throw new ShardDisabledException(index);
        }
    }

    private void checkNotDestroyed() {
        if (destroyed) {
            throw new ShardDisabledException(index);
        }
    }

    private static void checkCount(int count) {
        if (count < 1 || count > MAX_BATCH) {
            throw new InvalidCountException(count, MAX_BATCH);
        }
    }

    @Override
    public String toString() {
        return "Shard[" + index + ", " + slabsByAddress.size() + " slabs, " + psset.nactive() + " active, "
                + psset.ndirty() + " dirty pages]";
    }
}
