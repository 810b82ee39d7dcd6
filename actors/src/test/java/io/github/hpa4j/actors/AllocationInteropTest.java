package io.github.hpa4j.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.github.hpa4j.bridge.PageHooksFactory;
import io.github.hpa4j.bridge.SystemClock;
import io.github.hpa4j.core.FreeRefusal;
import io.github.hpa4j.core.InvalidFreeException;
import io.github.hpa4j.core.Pages;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** An allocation as a ByteBuffer for APIs that take one, and as a resource of try-with-resources. */
class AllocationInteropTest {
    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = ActorTestKit.create();

    @Test
    void shouldViewTheAllocationAsADirectNativeOrderByteBufferOfItsSize() {
        Hpa4j hpa4j = Hpa4j.get(testKit.system());
        try (Allocation a = hpa4j.allocateNow(10_000)) {
            ByteBuffer buffer = a.asByteBuffer();
            assertTrue(buffer.isDirect());
            assertEquals(ByteOrder.nativeOrder(), buffer.order());
            assertEquals(3 * Pages.PAGE, buffer.capacity());
            assertEquals(0, buffer.position());
            buffer.putLong(8, 0x1122334455667788L);
            buffer.put(buffer.capacity() - 1, (byte) 7);
            assertEquals(
                    0x1122334455667788L,
                    a.segment().get(ValueLayout.JAVA_LONG_UNALIGNED, 8),
                    "the buffer and the segment are the same memory");
            assertEquals(7, a.segment().get(ValueLayout.JAVA_BYTE, a.size() - 1));
            assertThrows(IndexOutOfBoundsException.class, () -> buffer.get((int) a.size()));
        }
    }

    @Test
    void shouldFreeOnCloseExactlyOnce() throws Exception {
        Hpa4j hpa4j = Hpa4j.get(testKit.system());
        Allocation escaped;
        try (Allocation a = hpa4j.allocateNow(Pages.PAGE)) {
            escaped = a;
            assertEquals(Allocation.State.LIVE, a.state());
        }
        assertTrue(escaped.state() != Allocation.State.LIVE, "closed means freed: " + escaped);
        InvalidFreeException second = assertThrows(InvalidFreeException.class, escaped::close);
        assertEquals(FreeRefusal.NOT_ALLOCATED, second.reason());
        hpa4j.trimCaches().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(
                0, hpa4j.stats().toCompletableFuture().get(5, TimeUnit.SECONDS).heldBytes());
    }

    @Test
    void shouldRefuseAccessThroughTheBufferOnceTheAllocatorStopped() throws Exception {
        Hpa4jSettings settings = TestAllocators.defaults();
        Hpa4j own = Hpa4j.start(
                testKit.system(), settings, PageHooksFactory.create(settings.hugifyStyle()), SystemClock.INSTANCE);
        ByteBuffer buffer = own.allocateNow(Pages.PAGE).asByteBuffer();
        buffer.put(0, (byte) 1);
        own.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertInstanceOf(IllegalStateException.class, assertThrows(RuntimeException.class, () -> buffer.get(0)));
    }
}
