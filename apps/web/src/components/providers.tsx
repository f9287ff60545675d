"use client";
import { TooltipProvider } from "@steward/ui";
import { ThemeProvider } from "next-themes";
import { Toaster } from "sonner";
import { TRPCReactProvider } from "~/trpc/react.tsx";
import { TimeZonePrefProvider } from "./time-zone-pref.tsx";

export function Providers({ children, nonce }: { children: React.ReactNode; nonce: string | undefined }) {
  return (
    <ThemeProvider attribute="class" defaultTheme="system" enableSystem disableTransitionOnChange nonce={nonce}>
      <TRPCReactProvider>
        <TimeZonePrefProvider>
          <TooltipProvider>
            {children}
            <Toaster richColors closeButton position="bottom-right" />
          </TooltipProvider>
        </TimeZonePrefProvider>
      </TRPCReactProvider>
    </ThemeProvider>
  );
}
