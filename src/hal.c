// SPDX-License-Identifier: GPL-2.0
/*
 * The HAL (the seed's AxVCpuHal) on Linux: the stage-2 tables' frames from
 * the page allocator, and the linear map for phys<->virt.
 */
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>

#include "axvcpu.h"

static phys_addr_t linux_alloc_frames(unsigned int order)
{
	struct page *page = alloc_pages(GFP_KERNEL_ACCOUNT | __GFP_ZERO, order);

	return page ? page_to_phys(page) : 0;
}

static void linux_dealloc_frames(phys_addr_t pa, unsigned int order)
{
	__free_pages(pfn_to_page(PHYS_PFN(pa)), order);
}

static void *linux_phys_to_virt(phys_addr_t pa)
{
	return phys_to_virt(pa);
}

static phys_addr_t linux_virt_to_phys(void *va)
{
	return virt_to_phys(va);
}

const struct axvcpu_hal axvcpu_linux_hal = {
	.alloc_frames	= linux_alloc_frames,
	.dealloc_frames	= linux_dealloc_frames,
	.phys_to_virt	= linux_phys_to_virt,
	.virt_to_phys	= linux_virt_to_phys,
};
EXPORT_SYMBOL_IF_KUNIT(axvcpu_linux_hal);
